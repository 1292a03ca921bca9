"""A :class:`TurnView` as Gradio chat messages, plain dicts. Pure: imports no gradio, no I/O.

Tool steps and status become collapsible "thought" messages (Gradio's message ``metadata``:
a ``title`` makes an accordion, ``status`` "pending" shows a spinner and "done" folds it);
the answer is a plain assistant message; sources follow it in an open accordion; notes and
an error are plain messages a person can read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts.events import Event, Source
from contracts.store import TurnRecord
from contracts.turn_view import INTERRUPTED, NO_ANSWER, TextBlock, ToolStep, TurnView

Message = dict[str, Any]
ERROR_MARK = "⚠️ "
SOURCES_TITLE = "📚 Sources"
INTERRUPTED_NOTE, NO_ANSWER_NOTE = f"_{INTERRUPTED}_", f"_{NO_ANSWER}_"
RESULT_CHARS = 1500  # a tool result longer than this is cut in the accordion
APPROVE, DENY = "approve", "deny"  # option values: "approve:<request id>"


def thought(title: str, content: str = "", status: str | None = "pending", **meta: Any) -> Message:
    """A collapsible step: an accordion titled ``title``."""
    metadata: dict[str, Any] = {"title": title, **meta}
    if status:
        metadata["status"] = status
    return {"role": "assistant", "content": content, "metadata": metadata}


def say(text: str) -> Message:
    return {"role": "assistant", "content": text}


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
            and not text.startswith(ERROR_MARK) and text not in (INTERRUPTED_NOTE, NO_ANSWER_NOTE))


def format_sources(sources: Iterable[Source]) -> str:
    """A numbered list; a synced source's entry links to it and says when it last changed."""
    return "\n".join(source_item(s) for s in sources)


def source_item(source: Source) -> str:
    if not source.url:
        return f"{source.n}. {source.label()}"
    name = source.title or source.source
    label = f"{name} — {source.heading}" if source.heading else name
    date = f" · {source.modified[:10]}" if source.modified else ""
    return f"{source.n}. [{label}]({source.url}){date}"


def step_message(step: ToolStep, running: bool) -> Message:
    content = f"**Arguments**\n```json\n{step.arguments_json}\n```"
    if step.result:
        cut = step.result[:RESULT_CHARS] + ("…" if len(step.result) > RESULT_CHARS else "")
        content += f"\n\n**Result**\n```\n{cut}\n```"
    if step.approval_note:
        content += f"\n\n**Approval:** {step.approval_note}"
    title = f"⚠️ {step.name} failed" if step.failed else f"🔧 {step.name}"
    message = thought(title, content, "pending" if running else "done", id=step.id)
    if running and step.status:
        message["metadata"]["log"] = step.status
    if running and step.approval == "asked" and step.approval_id:
        message["options"] = approval_options(step.approval_id)
    return message


def approval_options(request_id: str) -> list[dict[str, str]]:
    """The Approve / Deny buttons Gradio shows under the chat's last message."""
    return [{"label": "✅ Approve", "value": f"{APPROVE}:{request_id}"},
            {"label": "❌ Deny", "value": f"{DENY}:{request_id}"}]


def messages(view: TurnView, show_usage: bool = False) -> list[Message]:
    """Everything one answer shows, in order: steps and text, sources, notes, error, usage."""
    out: list[Message] = []
    texts = [i for i, b in enumerate(view.blocks) if isinstance(b, TextBlock)]
    for i, block in enumerate(view.blocks):
        if isinstance(block, TextBlock):
            out.append(say(block.text + (view.after_text() if i == texts[-1] else "")))
        elif isinstance(block, ToolStep):
            out.append(step_message(block, block.result is None and not view.finished))
        else:
            newest = i == len(view.blocks) - 1 and not view.finished
            out.append(thought(f"⏳ {block.text}", status="pending" if newest else "done",
                               id=f"status-{i}"))
    if view.notices and not texts:
        out.append(say(view.answer.strip()))
    if view.sources:
        out.append(thought(SOURCES_TITLE, format_sources(view.sources), None))
    out += [say(f"_{note}_") for note in view.notes()]
    if view.error is not None:
        out.append(say(ERROR_MARK + view.error.message))
    if show_usage and (line := view.usage_line()):
        out.append(thought("📊 Usage", line, "done"))
    return out


class TurnRenderer:
    """One answer as it streams: ``apply`` each event, read ``messages``."""

    def __init__(self, show_usage: bool = False) -> None:
        self.show_usage = show_usage
        self.view = TurnView()

    def apply(self, event: Event) -> None:
        self.view.apply(event)

    @property
    def messages(self) -> list[Message]:
        return messages(self.view, self.show_usage)

    @property
    def version(self) -> int:
        """Counts the changes a page must see."""
        return self.view.version

    @property
    def turn_id(self) -> int | None:
        return self.view.turn_id


def from_history(turns: Iterable[TurnRecord]) -> tuple[list[Message], list[int | None]]:
    """A stored conversation as chat messages, and the turn id behind each message."""
    out: list[Message] = []
    turn_ids: list[int | None] = []
    for turn in turns:
        shown = [{"role": "user", "content": turn.text}] if turn.role == "user" \
            else messages(TurnView.from_record(turn))
        out += shown
        turn_ids += [None if turn.role == "user" else turn.id] * len(shown)
    return out, turn_ids

