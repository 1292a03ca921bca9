"""Events -> Gradio chat messages, as plain dicts. Pure: imports no gradio, does no I/O.

Tool steps, status and usage become collapsible "thought" messages (Gradio's message
``metadata``: a ``title`` makes an accordion, ``status`` "pending" shows a spinner and
"done" folds it); the answer is a plain assistant message; sources follow it in an open
accordion; an error is a plain message a person can read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.contracts.events import (
    Done,
    Error,
    Event,
    Source,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
)
from bot.contracts.store import TurnRecord

Message = dict[str, Any]
ERROR_MARK = "⚠️ "
SOURCES_TITLE = "📚 Sources"
STOPPED_NOTE = "_(stopped before the end)_"
NO_ANSWER = "_(no answer)_"
RESULT_CHARS = 1500  # a tool result longer than this is cut in the accordion


def thought(title: str, content: str = "", status: str | None = "pending", **meta: Any) -> Message:
    """A collapsible step: an accordion titled ``title``."""
    metadata: dict[str, Any] = {"title": title, **meta}
    if status:
        metadata["status"] = status
    return {"role": "assistant", "content": content, "metadata": metadata}


def text_of(message: Message) -> str:
    """A message's text, whether ``content`` is a string or Gradio's list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    return "".join(p.get("text", "") for p in parts if isinstance(p, dict))


def is_answer(message: Message) -> bool:
    """An assistant message that is answer text, not a step, source list, note or error."""
    text = text_of(message)
    return (message["role"] == "assistant" and not message.get("metadata")
            and not text.startswith(ERROR_MARK) and text not in (STOPPED_NOTE, NO_ANSWER))


def format_arguments(arguments: dict[str, Any] | str) -> str:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, indent=1)
    return f"```json\n{text}\n```"


def format_sources(sources: Iterable[Source]) -> str:
    return "\n".join(f"{s.n}. {s.label()}" for s in sources)


def format_usage(event: Usage) -> str:
    ttft = "" if event.ttft_s is None else f" · first token {event.ttft_s:.2f} s"
    return (f"{event.input_tokens} in / {event.output_tokens} out tokens · "
            f"${event.cost_usd:.4f} · {event.latency_s:.2f} s{ttft} · "
            f"{event.backend}/{event.model}")


class TurnRenderer:
    """The messages one answer has produced so far; ``apply`` each event as it streams."""

    def __init__(self, show_usage: bool = False) -> None:
        self.show_usage = show_usage
        self.messages: list[Message] = []
        self.turn_id: int | None = None
        self.version = 0
        self._steps: dict[str, Message] = {}

    def apply(self, event: Event) -> None:
        """Update the messages for ``event``; ``version`` counts the changes a page must see."""
        if isinstance(event, Usage) and not self.show_usage:
            return
        getattr(self, f"_on_{event.kind}")(event)
        self.version += 1

    def _settle(self) -> None:
        """Fold finished steps: anything pending is done once something newer arrives."""
        for message in self.messages:
            meta = message.get("metadata") or {}
            if meta.get("status") == "pending" and meta.get("id") not in self._open_calls():
                meta["status"] = "done"

    def _open_calls(self) -> set[str]:
        return {i for i, m in self._steps.items() if m["metadata"].get("status") == "pending"}

    def _on_text(self, event: TextDelta) -> None:
        self._settle()
        if self.messages and is_answer(self.messages[-1]):
            self.messages[-1]["content"] += event.text
        else:
            self.messages.append({"role": "assistant", "content": event.text})

    def _on_status(self, event: Status) -> None:
        pending = [m for m in self._steps.values() if m["metadata"].get("status") == "pending"]
        if pending:  # "using calculator…" belongs to the step already shown
            pending[-1]["metadata"]["log"] = event.text
            return
        self._settle()
        self.messages.append(thought(f"⏳ {event.text}", id=f"status-{len(self.messages)}"))

    def _on_tool_call(self, event: ToolCall) -> None:
        self._settle()
        step = thought(f"🔧 {event.name}", "**Arguments**\n" + format_arguments(event.arguments),
                       id=event.id)
        self._steps[event.id] = step
        self.messages.append(step)

    def _on_tool_result(self, event: ToolResult) -> None:
        step = self._steps.get(event.id)
        if step is None:
            step = self._steps[event.id] = thought(f"🔧 {event.name}", id=event.id)
            self.messages.append(step)
        content = event.content[:RESULT_CHARS] + ("…" if len(event.content) > RESULT_CHARS else "")
        step["content"] += f"\n\n**Result**\n```\n{content}\n```"
        step["metadata"]["status"] = "done"
        step["metadata"].pop("log", None)
        if event.is_error:
            step["metadata"]["title"] = f"⚠️ {event.name} failed"

    def _on_sources(self, event: Sources) -> None:
        self._settle()
        if event.sources:
            self.messages.append(thought(SOURCES_TITLE, format_sources(event.sources), None))

    def _on_usage(self, event: Usage) -> None:
        self.messages.append(thought("📊 Usage", format_usage(event), "done"))

    def _on_error(self, event: Error) -> None:
        self._settle()
        self.messages.append({"role": "assistant", "content": ERROR_MARK + event.message})

    def _on_done(self, event: Done) -> None:
        self._steps.clear()
        self._settle()
        self.turn_id = event.turn_id
        answers = [m for m in self.messages if is_answer(m)]
        failed = any(text_of(m).startswith(ERROR_MARK) for m in self.messages)
        if event.interrupted and not failed:
            self.messages.append({"role": "assistant", "content": STOPPED_NOTE})
        elif not answers and not failed:
            self.messages.append({"role": "assistant", "content": NO_ANSWER})


def from_history(turns: Iterable[TurnRecord]) -> tuple[list[Message], list[int | None]]:
    """A stored conversation as chat messages, and the turn id behind each message."""
    messages: list[Message] = []
    turn_ids: list[int | None] = []
    for turn in turns:
        shown = [{"role": "user", "content": turn.text}] if turn.role == "user" \
            else assistant_messages(turn)
        messages += shown
        turn_ids += [None if turn.role == "user" else turn.id] * len(shown)
    return messages, turn_ids


def assistant_messages(turn: TurnRecord) -> list[Message]:
    """One stored answer: its tool steps (folded), text, sources and what went wrong."""
    out = [thought(f"🔧 {c.get('name', 'tool')}", "**Arguments**\n"
                   + format_arguments(c.get("arguments", "")), "done", id=str(c.get("id", "")))
           for c in turn.tool_calls]
    if turn.text:
        out.append({"role": "assistant", "content": turn.text})
    if turn.sources:
        out.append(thought(SOURCES_TITLE, format_sources(turn.sources), None))
    if turn.error_id:
        out.append({"role": "assistant", "content":
                    f"{ERROR_MARK}Sorry — this answer failed. (error id: {turn.error_id})"})
    elif turn.interrupted:
        out.append({"role": "assistant", "content": STOPPED_NOTE})
    if not turn.text and not turn.error_id and not turn.interrupted:
        out.append({"role": "assistant", "content": NO_ANSWER})
    return out
