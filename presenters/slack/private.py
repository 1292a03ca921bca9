"""Private first, shared on purpose: an answer only the asker sees, with **Share in channel**
and **Keep private** buttons.

A private answer lives in its own conversation (``<thread key>:private:<user>``), so nobody
else's follow-ups draw on it. Sharing goes through :func:`shareable`, the one place that
decides whether a private answer may become public: today it checks that the answer is the
asker's; when answers carry who may read their sources, it is where an answer drawing on what
the channel may not read is refused (or re-asked with the channel's access).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import structlog
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.app import Bot
from contracts.access import may_read, place
from contracts.events import Source
from contracts.store import TurnRecord
from presenters.slack.render import message_text, section_blocks
from presenters.slack.sources import sources_block

log = structlog.get_logger("presenters.slack")
SHARE, KEEP = "answer_share", "answer_keep_private"
PRIVATE_NOTE = "Only you can see this answer."
GONE = "This answer can no longer be shared (it was removed from the conversation)."


def private_key(public_key: str, user: str) -> str:
    """The asker's own conversation beside a thread's public one."""
    return f"{public_key}:private:{user}"


@dataclass(frozen=True)
class PrivateRef:
    """What the buttons carry: the private conversation, the answer, where sharing posts."""

    key: str
    turn: int
    thread_ts: str | None

    def value(self) -> str:
        return json.dumps({"k": self.key, "t": self.turn, "th": self.thread_ts},
                          separators=(",", ":"))

    @classmethod
    def parse(cls, value: str) -> PrivateRef | None:
        try:
            data = json.loads(value)
            return cls(str(data["k"]), int(data["t"]), data.get("th"))
        except (ValueError, KeyError, TypeError):
            return None

    def owned_by(self, user: str) -> bool:
        return self.key.endswith(f":private:{user}")


def answer_blocks(markdown: str, sources: list[Source]) -> tuple[str, list[dict[str, Any]]]:
    """``text`` and blocks of an answer with its sources (no buttons)."""
    text = message_text(markdown)
    blocks = section_blocks(text)[:45]
    if sources:
        blocks.append(sources_block(sources))
    return text, blocks


def private_blocks(markdown: str, sources: list[Source], ref: PrivateRef | None
                   ) -> tuple[str, list[dict[str, Any]]]:
    """The private answer: text, sources, a note that only the asker sees it, the buttons."""
    text, blocks = answer_blocks(markdown, sources)
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": PRIVATE_NOTE}]})
    if ref is not None:
        blocks.append({"type": "actions", "block_id": f"private:{ref.turn}", "elements": [
            _button(SHARE, "Share in channel", ref.value(), "primary"),
            _button(KEEP, "Keep private", ref.value(), None)]})
    return text, blocks


def _button(action_id: str, label: str, value: str, style: str | None) -> dict[str, Any]:
    button = {"type": "button", "action_id": action_id, "value": value,
              "text": {"type": "plain_text", "text": label}}
    return button | ({"style": style} if style else {})


async def shareable(bot: Bot, ref: PrivateRef, sharer: str, channel: str
                    ) -> tuple[TurnRecord, TurnRecord] | None:
    """The question and answer that ``sharer`` may post in ``channel``, or None.

    The one check every share passes (see the module docstring); ``channel`` is where it
    would be read.
    """
    if not ref.owned_by(sharer):
        return None
    turns = await bot.session(ref.key).history()
    at = next((i for i, t in enumerate(turns) if t.id == ref.turn and t.role == "assistant"),
              None)
    if at is None or at == 0 or turns[at - 1].role != "user":
        return None
    if channel and not channel_may_read(bot, channel, turns[at].sources):
        log.info("slack_share_refused", channel=channel, turn_id=ref.turn,
                 reason="the answer draws on a passage the channel may not read")
        return None
    return turns[at - 1], turns[at]


def channel_may_read(bot: Bot, channel: str, sources: list[Source]) -> bool:
    """Whether everyone in ``channel`` may read every passage the answer drew on (the
    strictest reader of a shared place; always, with ``[access]`` off)."""
    if not bot.settings.access.enabled:
        return True
    members = place(f"slack-channel:{channel}")
    return all(may_read(s.readers or None, members) for s in sources)


def shared_blocks(question: TurnRecord, answer: TurnRecord, sharer: str
                  ) -> tuple[str, list[dict[str, Any]]]:
    """The shared answer as the bot posts it: who shared it, the question, the answer."""
    text, blocks = answer_blocks(answer.text, answer.sources)
    quoted = message_text(question.text)[:500].replace("\n", " ")
    head = f"<@{sharer}> shared an answer to: _{quoted}_"
    blocks.insert(0, {"type": "context", "elements": [{"type": "mrkdwn", "text": head}]})
    return f"{head}\n{text}", blocks


async def respond(response_url: str | None, **payload: Any) -> None:
    """Replace or delete the ephemeral message the buttons were on (its response_url)."""
    if not response_url:
        return
    response = await AsyncWebhookClient(response_url).send(**payload)
    if response.status_code != 200:
        log.warning("slack_response_url_failed", status=response.status_code)
