"""How Slack shows a :class:`TurnView`: pure functions to status lines, text and blocks.

No I/O here; the answerer folds events into the view and the writers decide when to send it.
"""

from __future__ import annotations

from typing import Any

from contracts.events import Event, Source
from contracts.turn_view import NO_ANSWER, Change, TurnView
from presenters.slack.mrkdwn import to_mrkdwn

SECTION_LIMIT = 3000  # characters in one section block's text
MESSAGE_LIMIT = 38000  # characters in one message; Slack truncates at 40,000
MAX_SOURCES = 9  # a context block holds at most 10 elements; one is the label
THINKING = "is thinking…"
NO_ANSWER_NOTE = f"_{NO_ANSWER}_"
FEEDBACK_UP, FEEDBACK_DOWN = "feedback_up", "feedback_down"


def status_line(view: TurnView, change: Change) -> str:
    """A short assistant status ("is searching the knowledge base…") for the latest progress."""
    step = view.last_step
    if change == "status" or step is None:
        return view.status or THINKING
    if step.approval == "asked":
        return f"is waiting for approval to use {step.name}…"
    if step.result is None:
        return f"is using {step.name} {step.arguments_json}"[:120] + "…"
    if step.failed:
        return f"{step.name} failed; carrying on…"
    return f"read the {step.name} result…"


def closing_markdown(view: TurnView) -> str:
    """What follows the streamed text once the turn ends: notices, notes, the apology."""
    parts = [f"_{note}_" for note in view.notes()]
    if view.error is not None:
        parts.append(view.error.message)
    after = view.after_text()
    if not parts:
        return after
    return after + ("\n\n" if view.answer.strip() else "") + "\n\n".join(parts)


def final_markdown(view: TurnView) -> str:
    return view.text + closing_markdown(view)


def sources_block(sources: list[Source]) -> dict[str, Any]:
    """The passages an answer drew on, as one context block under it."""
    shown = sources[:MAX_SOURCES]
    elements = [{"type": "mrkdwn", "text": "*Sources*"}]
    for s in shown:
        elements.append({"type": "mrkdwn", "text": f"[{s.n}] {escape(s.label())}"})
    if len(sources) > len(shown):
        elements[-1]["text"] += f" (+{len(sources) - len(shown)} more)"
    return {"type": "context", "elements": elements}


def usage_block(line: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}


def feedback_block(turn_id: int) -> dict[str, Any]:
    """👍/👎 buttons; their value is the stored turn they rate."""

    def button(action_id: str, emoji: str, label: str) -> dict[str, Any]:
        return {"type": "button", "action_id": action_id, "value": str(turn_id),
                "text": {"type": "plain_text", "text": emoji, "emoji": True},
                "accessibility_label": label}

    return {"type": "actions", "block_id": f"feedback:{turn_id}", "elements": [
        button(FEEDBACK_UP, "👍", "Good answer"), button(FEEDBACK_DOWN, "👎", "Bad answer"),
    ]}


def footer_blocks(view: TurnView, show_usage: bool) -> list[dict[str, Any]]:
    """Blocks under the answer: sources, usage (when configured), feedback buttons."""
    blocks: list[dict[str, Any]] = []
    if view.sources:
        blocks.append(sources_block(view.sources))
    if show_usage and (line := view.usage_line()):
        blocks.append(usage_block(line))
    if view.turn_id is not None and view.text.strip() and view.error is None:
        blocks.append(feedback_block(view.turn_id))
    return blocks


def message_text(markdown: str, partial: bool = False) -> str:
    """The mrkdwn ``text`` of an edited message; a partial one ends with a cursor."""
    text = to_mrkdwn(markdown)
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT] + "\n… _(answer truncated)_"
    return text + " …" if partial else text


def section_blocks(mrkdwn: str) -> list[dict[str, Any]]:
    """Split text into section blocks of at most 3,000 characters, at line breaks."""
    blocks, chunk = [], ""
    for line in mrkdwn.split("\n"):
        while len(line) > SECTION_LIMIT:
            blocks.append(line[:SECTION_LIMIT])
            line = line[SECTION_LIMIT:]
        if len(chunk) + len(line) + 1 > SECTION_LIMIT:
            blocks.append(chunk)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk.strip():
        blocks.append(chunk)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": b}} for b in blocks if b]


def final_message(view: TurnView, show_usage: bool) -> tuple[str, list[dict[str, Any]]]:
    """``text`` and ``blocks`` of a finished answer sent with chat.postMessage/chat.update."""
    text = message_text(final_markdown(view))
    return text, section_blocks(text)[:45] + footer_blocks(view, show_usage)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_turn(events: list[Event], show_usage: bool = True) -> dict[str, Any]:
    """A whole turn as the final Slack message would carry it, with the status lines shown
    on the way (for tests)."""
    view, steps = TurnView(), []
    for event in events:
        change = view.apply(event)
        if change in ("status", "step"):
            steps.append(status_line(view, change))
    text, blocks = final_message(view, show_usage)
    return {"text": text, "blocks": blocks, "steps": steps}
