"""Spans of a turn, as the parts of the bot see them: a parent hands its span down explicitly.

``TurnRunner`` opens one span per turn; an agent opens a child per step; the run context
opens one per model call; the tool runner one per tool call; the knowledge-base tool one
per search. Parents are passed explicitly (``ctx.span``), never through a context variable,
so a span opened in an async generator survives its ``yield``s and its ``aclose``.

With tracing off every span is :data:`NO_SPAN`: ``child`` returns it again, and nothing is
imported, allocated or recorded. ``bot/otel.py`` implements spans on OpenTelemetry.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

AttrValue = str | bool | int | float | list[str]


class Span(Protocol):
    """One unit of work in a trace."""

    recording: bool

    def child(self, name: str, attributes: dict[str, AttrValue] | None = None
              ) -> AbstractContextManager[Span]: ...

    def set(self, key: str, value: AttrValue | None) -> None: ...

    def fail(self, error: BaseException | str) -> None: ...


class _NoSpan:
    """The span of a bot with tracing off: every call does nothing."""

    recording = False

    def __enter__(self) -> _NoSpan:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def child(self, name: str, attributes: dict[str, AttrValue] | None = None) -> _NoSpan:
        return self

    def set(self, key: str, value: AttrValue | None) -> None:
        return None

    def fail(self, error: BaseException | str) -> None:
        return None


NO_SPAN: Span = _NoSpan()


class Tracer(Protocol):
    """Opens the root span of a turn; :data:`NO_TRACER` when tracing is off."""

    def turn(self, attributes: dict[str, AttrValue]) -> AbstractContextManager[Span]: ...

    def shutdown(self) -> None: ...


class _NoTracer:
    def turn(self, attributes: dict[str, AttrValue]) -> AbstractContextManager[Span]:
        return NO_SPAN  # type: ignore[return-value]

    def shutdown(self) -> None:
        return None


NO_TRACER: Tracer = _NoTracer()
