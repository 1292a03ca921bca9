"""A :class:`TurnView` as OpenAI chat completion JSON: the text, and the ``bot`` extra field.

The text a client shows (``message.content``, or the streamed ``delta.content`` pieces, which
add up to the same string): the answer, then — for clients that read nothing else — the
notes (``(interrupted)``, ``(no answer)``), the apology with its error id, and the numbered
sources. The ``bot`` object carries the same turn as data: steps, sources, usage, error.
Pure: no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from json.encoder import encode_basestring  # json.dumps of a str, less its Python layers
from typing import Any

from contracts.events import Event, Source
from contracts.turn_view import TurnView

SOURCES_HEADING = "Sources:"
_MARK = "\x00text\x00"  # stands for a text delta in the encoded chunk it is cut out of


def sources_text(sources: list[Source]) -> str:
    """``Sources:`` then ``- [n] label`` lines: a list in Markdown, plain text elsewhere."""
    return SOURCES_HEADING + "\n" + "\n".join(f"- [{s.n}] {s.label()}" for s in sources)


def closing_text(view: TurnView, with_sources: bool = True) -> str:
    """What follows the answer once the turn ends: notes, the apology, the sources."""
    parts = list(view.notes())
    if view.error is not None:
        parts.append(view.error.message)
    if with_sources and view.sources:
        parts.append(sources_text(view.sources))
    if not parts:
        return ""
    return ("\n\n" if view.answer.strip() else "") + "\n\n".join(parts)


def content(view: TurnView, with_sources: bool = True) -> str:
    """The whole text of a finished turn, as ``message.content``."""
    return view.answer + closing_text(view, with_sources)


def turn_object(view: TurnView, conversation: str) -> dict[str, Any]:
    """The ``bot`` extra field of a finished turn (documented in docs/api.md)."""
    return {
        "conversation": conversation,
        "turn_id": view.turn_id,
        "answer": view.answer,
        "notes": view.notes(),
        "error": None if view.error is None else view.error.model_dump(exclude={"kind"}),
        "sources": [s.model_dump(exclude={"readers"}) for s in view.sources],
        "steps": [{"id": s.id, "name": s.name, "arguments": s.arguments, "result": s.result,
                   "failed": s.failed, "approval": s.approval_note} for s in view.steps],
        "usage": None if view.usage is None else view.usage.model_dump(exclude={"kind"}),
    }


def usage_object(view: TurnView) -> dict[str, int]:
    """OpenAI's ``usage``, from the turn's own Usage event (zeros when it had none)."""
    prompt = view.usage.input_tokens if view.usage else 0
    completion = view.usage.output_tokens if view.usage else 0
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


@dataclass(frozen=True)
class Envelope:
    """What every object of one response shares."""

    id: str
    created: int
    model: str

    def completion(self, view: TurnView, conversation: str,
                   with_sources: bool = True) -> dict[str, Any]:
        """A whole ``chat.completion``."""
        message = {"role": "assistant", "content": content(view, with_sources),
                   "bot": turn_object(view, conversation)}
        return {"id": self.id, "object": "chat.completion", "created": self.created,
                "model": self.model, "usage": usage_object(view),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop",
                             "logprobs": None}]}

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        """One ``chat.completion.chunk`` with one choice."""
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                             "logprobs": None}]}

    def text_chunk(self, text: str) -> str:
        """:meth:`chunk` of ``{"content": text}`` as JSON, the same text ``json.dumps``
        gives (``ensure_ascii=False``), with the envelope encoded once per response rather
        than once for each piece of the answer (most chunks of a stream)."""
        head, tail = self._text_frame
        return head + encode_basestring(text) + tail

    @cached_property
    def _text_frame(self) -> tuple[str, str]:
        whole = json.dumps(self.chunk({"content": _MARK}), ensure_ascii=False)
        head, _, tail = whole.rpartition(json.dumps(_MARK))  # content comes after the model
        return head, tail

    def usage_chunk(self, view: TurnView) -> dict[str, Any]:
        """The last chunk when ``stream_options.include_usage``: no choices, the usage."""
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model, "choices": [], "usage": usage_object(view)}


def event_object(event: Event) -> dict[str, Any]:
    """A progress event (status, tool call or result, sources, usage, error) for ``bot``."""
    return {"event": event.model_dump()}
