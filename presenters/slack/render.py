"""How Slack shows each event: pure functions from events to text, status lines and blocks.

No I/O here, so the cross-presenter conformance test can compare it with the terminal's
rendering. :class:`SlackReply` accumulates one turn; the writers decide when to send it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
from presenters.slack.mrkdwn import to_mrkdwn

SECTION_LIMIT = 3000  # characters in one section block's text
MESSAGE_LIMIT = 38000  # characters in one message; Slack truncates at 40,000
MAX_SOURCES = 9  # a context block holds at most 10 elements; one is the label
THINKING = "is thinking…"
FEEDBACK_UP, FEEDBACK_DOWN = "feedback_up", "feedback_down"


@dataclass
class SlackReply:
    """One answer as it streams: what the user should see once it is sent."""

    text: str = ""
    status: str | None = None
    steps: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    usage: Usage | None = None
    error: Error | None = None
    done: Done | None = None

    def apply(self, event: Event) -> str:
        """Take in one event; returns what changed: "text", "status" or "other"."""
        if isinstance(event, TextDelta):
            self.text += event.text
            return "text"
        if isinstance(event, Status | ToolCall | ToolResult):
            self.status = status_line(event)
            self.steps.append(self.status)
            return "status"
        if isinstance(event, Sources):
            self.sources = event.sources
        elif isinstance(event, Usage):
            self.usage = event
        elif isinstance(event, Error):
            self.error = event
        elif isinstance(event, Done):
            self.done = event
        return "other"

    @property
    def turn_id(self) -> int | None:
        return self.done.turn_id if self.done else None

    def closing_markdown(self) -> str:
        """What follows the streamed text once the turn ends: interruption note or apology."""
        parts = []
        if self.done and self.done.interrupted and not self.error:
            parts.append("_(interrupted)_")
        if self.error:
            parts.append(self.error.message)
        if not parts:
            return ""
        return ("\n\n" if self.text.strip() else "") + "\n\n".join(parts)

    def final_markdown(self) -> str:
        return self.text + self.closing_markdown()


def status_line(event: Status | ToolCall | ToolResult) -> str:
    """A short assistant status ("is searching the knowledge base…") for a progress event."""
    if isinstance(event, Status):
        return event.text
    if isinstance(event, ToolCall):
        args = event.arguments if isinstance(event.arguments, str) else json.dumps(event.arguments)
        return f"is using {event.name} {args}"[:120] + "…"
    if event.is_error:
        return f"{event.name} failed; carrying on…"
    return f"read the {event.name} result…"


def sources_block(sources: list[Source]) -> dict[str, Any]:
    """The passages an answer drew on, as one context block under it."""
    shown = sources[:MAX_SOURCES]
    elements = [{"type": "mrkdwn", "text": "*Sources*"}]
    for s in shown:
        elements.append({"type": "mrkdwn", "text": f"[{s.n}] {escape(s.label())}"})
    if len(sources) > len(shown):
        elements[-1]["text"] += f" (+{len(sources) - len(shown)} more)"
    return {"type": "context", "elements": elements}


def usage_text(usage: Usage) -> str:
    ttft = "" if usage.ttft_s is None else f" · first token {usage.ttft_s:.2f} s"
    return (
        f"{usage.input_tokens} in / {usage.output_tokens} out tokens · ${usage.cost_usd:.4f} · "
        f"{usage.latency_s:.2f} s{ttft} · {usage.backend}/{usage.model}"
    )


def usage_block(usage: Usage) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": usage_text(usage)}]}


def feedback_block(turn_id: int) -> dict[str, Any]:
    """👍/👎 buttons; their value is the stored turn they rate."""

    def button(action_id: str, emoji: str, label: str) -> dict[str, Any]:
        return {"type": "button", "action_id": action_id, "value": str(turn_id),
                "text": {"type": "plain_text", "text": emoji, "emoji": True},
                "accessibility_label": label}

    return {"type": "actions", "block_id": f"feedback:{turn_id}", "elements": [
        button(FEEDBACK_UP, "👍", "Good answer"), button(FEEDBACK_DOWN, "👎", "Bad answer"),
    ]}


def footer_blocks(reply: SlackReply, show_usage: bool) -> list[dict[str, Any]]:
    """Blocks under the answer: sources, usage (when configured), feedback buttons."""
    blocks: list[dict[str, Any]] = []
    if reply.sources:
        blocks.append(sources_block(reply.sources))
    if show_usage and reply.usage is not None:
        blocks.append(usage_block(reply.usage))
    if reply.turn_id is not None and reply.text.strip() and not reply.error:
        blocks.append(feedback_block(reply.turn_id))
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


def final_message(reply: SlackReply, show_usage: bool) -> tuple[str, list[dict[str, Any]]]:
    """``text`` and ``blocks`` of a finished answer sent with chat.postMessage/chat.update."""
    text = message_text(reply.final_markdown())
    return text, section_blocks(text)[:45] + footer_blocks(reply, show_usage)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_turn(events: list[Event], show_usage: bool = True) -> dict[str, Any]:
    """A whole turn as the final Slack message would carry it (for tests and comparison)."""
    reply = SlackReply()
    for event in events:
        reply.apply(event)
    text, blocks = final_message(reply, show_usage)
    return {"text": text, "blocks": blocks, "steps": reply.steps}
