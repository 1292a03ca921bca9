"""What a tool gets while it runs: the turn's models by role, metered into the turn's usage,
its settings and prompts, a cancellation signal and a logger.

A tool never builds models of its own: calls made through :meth:`ToolRunContext.complete`
share the turn's backends, cooldowns and retries, and their tokens and cost show in the
turn's ``Usage`` event, the stored turn and the ``turn`` log line.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import AsyncGenerator
from contextlib import aclosing, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

import structlog

from contracts.access import Principal
from contracts.genai_spans import model_call_attributes, record_chunk
from contracts.llm import (
    LLM,
    Completion,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    UsageChunk,
    collect,
)
from contracts.tracing import NO_SPAN, Span
from contracts.usage import UsageMeter

if TYPE_CHECKING:
    from config import Settings


class ModelsByRole(Protocol):
    """Which model does each job (``primary``, ``router``, ``judge``, …)."""

    def for_role(self, role: str) -> LLM: ...

    def profile_name(self, role: str) -> str: ...


class Prompts(Protocol):
    """Prompt files by name, for the configured environment."""

    def text(self, name: str) -> str: ...

    def render(self, prompt: str, /, **values: object) -> str: ...


@runtime_checkable
class Completer(Protocol):
    """Completes ``request`` with the model that does ``role``'s job."""

    async def complete(self, role: str, request: LLMRequest) -> Completion: ...


class Cancellation:
    """Set once the turn is stopped (Stop, Ctrl-C, the turn timeout).

    Coroutines are cancelled by asyncio itself; this is for work a tool runs in a thread,
    which asyncio cannot stop: check :meth:`is_set` between blocking steps.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block (in a thread) until the turn is stopped or ``timeout`` passes."""
        return self._event.wait(timeout)


@dataclass(kw_only=True)
class ToolRunContext:
    """Everything a tool may use while it runs; it is also a :class:`Completer`."""

    models: ModelsByRole
    settings: Settings
    prompts: Prompts
    meter: UsageMeter = field(default_factory=UsageMeter)
    cancel: Cancellation = field(default_factory=Cancellation)
    log: Any = field(default_factory=lambda: structlog.get_logger("tools"))
    span: Span = NO_SPAN  # the span that model and tool calls made through this context join
    principal: Principal | None = None  # who the turn answers; None: no access filter
    # no one reads this turn as it streams (an API client that asked for a whole answer):
    # models are asked for whole replies (LLMRequest.whole), which cost less to read
    whole: bool = False

    def within(self, span: Span) -> Self:
        """The same context, its calls traced as children of ``span`` (itself when off)."""
        return dataclasses.replace(self, span=span) if span.recording else self

    async def stream(self, role: str, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        """Stream from the role's model, metering usage and time to first token."""
        llm = self.models.for_role(role)
        request.role = role
        request.whole = request.whole or self.whole
        traced = self.span.recording  # off: no name or attributes are even built
        call = self.span.child(f"chat {llm.model}", model_call_attributes(llm, request)) \
            if traced else nullcontext(self.span)
        with call as span:
            # aclosing: a Stop must close the backend's HTTP response now, not at GC
            async with aclosing(llm.stream(request)) as chunks:
                async for chunk in chunks:
                    if isinstance(chunk, TextChunk | ToolCallChunk):
                        self.meter.first_token()
                    elif isinstance(chunk, UsageChunk):
                        self.meter.record(llm, chunk.input_tokens, chunk.output_tokens, chunk)
                    if traced:
                        record_chunk(span, chunk)
                    yield chunk

    async def complete(self, role: str, request: LLMRequest) -> Completion:
        """The role's whole reply, metered; for single-purpose steps that need no streaming."""
        return await collect(self.stream(role, request))
