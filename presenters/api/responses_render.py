"""A :class:`TurnView` as a Responses API ``response`` object, sources as annotations.

The output is one assistant message with one ``output_text`` part: the same text as a chat
completion's ``message.content`` (the answer, the notes, the apology, the numbered sources).
Each source becomes an annotation on that text: a ``url_citation`` (url, title, the span
of its marker) when the source has a URL, a ``file_citation`` (the file, the index after its
marker) otherwise. The marker is each ``[n]`` the answer cites it with; a source the answer
does not cite is annotated at its line in the source list (or at the end of the text when
the list is left out). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contracts.events import Source
from contracts.turn_view import TurnView
from presenters.api.render import SOURCES_HEADING, content, turn_object


def marker_spans(text: str, n: int) -> list[tuple[int, int]]:
    """Where ``[n]`` stands in ``text`` (not ``[12]`` for ``[1]``)."""
    return [m.span() for m in re.finditer(rf"\[{n}\]", text)]


def list_span(text: str, source: Source) -> tuple[int, int] | None:
    """The span of ``source``'s label in the numbered list after the answer."""
    heading = text.rfind(SOURCES_HEADING)
    line = f"- [{source.n}] {source.label()}"
    at = text.find(line, heading) if heading >= 0 else -1
    if at < 0:
        return None
    start = at + len(f"- [{source.n}] ")
    return start, at + len(line)


def annotation(source: Source, span: tuple[int, int]) -> dict[str, Any]:
    """A ``url_citation`` for a source with a URL, else a ``file_citation``."""
    if source.url:
        return {"type": "url_citation", "url": source.url, "title": source.title or
                source.label(), "start_index": span[0], "end_index": span[1]}
    return {"type": "file_citation", "file_id": source.source, "filename": source.source,
            "index": span[1]}


def source_annotations(view: TurnView, text: str) -> list[dict[str, Any]]:
    """One annotation per citation of each source, in order of the text."""
    found: list[tuple[tuple[int, int], Source]] = []
    for source in view.sources:
        spans = marker_spans(view.answer, source.n)
        if not spans:
            spans = [list_span(text, source) or (len(text), len(text))]
        found.extend((span, source) for span in spans)
    found.sort(key=lambda pair: pair[0])
    return [annotation(source, span) for span, source in found]


def usage(view: TurnView) -> dict[str, Any]:
    """The Responses ``usage``, from the turn's own Usage event (zeros when it had none)."""
    taken = view.usage.input_tokens if view.usage else 0
    given = view.usage.output_tokens if view.usage else 0
    return {"input_tokens": taken, "output_tokens": given, "total_tokens": taken + given,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0}}


@dataclass(frozen=True)
class ResponseShape:
    """What every object of one response shares."""

    id: str
    message_id: str
    created_at: int
    model: str
    previous_response_id: str | None
    store: bool
    user: str | None

    def output_text(self, text: str, notes: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "output_text", "text": text, "annotations": notes, "logprobs": []}

    def message(self, parts: list[dict[str, Any]], status: str) -> dict[str, Any]:
        return {"id": self.message_id, "type": "message", "role": "assistant",
                "status": status, "content": parts}

    def response(self, status: str, output: list[dict[str, Any]],
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``response`` object, as ``response.created`` (empty) or finished."""
        return {"id": self.id, "object": "response", "created_at": self.created_at,
                "status": status, "model": self.model, "output": output, "error": None,
                "incomplete_details": None, "instructions": None, "metadata": {},
                "parallel_tool_calls": False, "tool_choice": "auto", "tools": [],
                "temperature": None, "top_p": None, "text": {"format": {"type": "text"}},
                "truncation": "disabled", "previous_response_id": self.previous_response_id,
                "store": self.store, "user": self.user, "usage": None, **(extra or {})}

    def finished(self, view: TurnView, conversation: str, with_sources: bool) -> dict[str, Any]:
        """The whole response of a finished turn, the ``bot`` turn object beside it."""
        text = content(view, with_sources)
        part = self.output_text(text, source_annotations(view, text))
        return self.response("completed", [self.message([part], "completed")],
                             {"usage": usage(view), "bot": turn_object(view, conversation)})
