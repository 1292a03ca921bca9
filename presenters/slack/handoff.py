"""Calling people in when the bot cannot help: on 👎, on "no answer", on a 🆘 reaction.

The hand-off is one message in the thread that tags the channel's ``escalate_to`` (people or
a user group) with the question and what the bot tried, so whoever picks it up need not
scroll. Channels without ``escalate_to`` get no hand-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from config.slack_channels import ChannelPolicy
from contracts.store import TurnRecord
from presenters.slack.render import escape
from presenters.slack.web import log_api_error

log = structlog.get_logger("presenters.slack")
Reason = Literal["thumbs_down", "no_answer", "sos"]
WHY = {"thumbs_down": "marked my answer 👎", "no_answer": "asked something I couldn't find in "
       "the docs", "sos": "asked for a person (🆘)"}
NOT_FOUND = "I couldn't find this in the docs."
SEARCH_TOOL = "search_knowledge"
SOS_REACTIONS = {"sos"}


def tag(ids: list[str]) -> str:
    """``<!subteam^S…>`` for a user group, ``<@U…>`` for a person."""
    return " ".join(f"<!subteam^{i}>" if i.startswith("S") else f"<@{i}>" for i in ids)


def tried(tool_calls: list[dict[str, Any]], sources: int) -> str:
    """What the bot did for the answer, in words: tools called and passages found."""
    names = [str(c.get("name", "?")) for c in tool_calls]
    if not names:
        return "answered from the model alone, without searching"
    parts = [f"searched the docs ({sources} passage{'s' * (sources != 1)} found)"
             if n == SEARCH_TOOL else f"called {n}" for n in dict.fromkeys(names)]
    return ", ".join(parts)


@dataclass(frozen=True)
class Handoff:
    """One call for help: who asked what, why people are needed, what was tried."""

    asker: str
    question: str
    reason: Reason
    tried: str

    def text(self, policy: ChannelPolicy) -> str:
        quoted = "\n".join(f">{line}" for line in escape(self.question[:1500]).splitlines())
        return (f"🆘 {tag(policy.escalate_to)} — <@{self.asker}> {WHY[self.reason]}. "
                f"Could one of you help?\n{quoted}\n_What I tried: {self.tried}._")


def wanted(policy: ChannelPolicy, reason: Reason) -> bool:
    return bool(policy.escalate_to) and reason in policy.escalate_on


def from_turns(turns: list[TurnRecord], answer_id: int | None, asker: str,
               reason: Reason) -> Handoff | None:
    """The hand-off for the answer ``answer_id`` (None: the latest) of a stored thread."""
    ids = [t.id for t in turns]
    end = ids.index(answer_id) if answer_id in ids else len(turns)
    question = next((t for t in reversed(turns[:end]) if t.role == "user"), None)
    answer = turns[end] if end < len(turns) else next(
        (t for t in reversed(turns) if t.role == "assistant"), None)
    if question is None:
        return None
    calls, found = (answer.tool_calls, len(answer.sources)) if answer else ([], 0)
    return Handoff(asker or question.user or "", question.text, reason, tried(calls, found))


async def post(client: AsyncWebClient, policy: ChannelPolicy, handoff: Handoff, channel: str,
               thread_ts: str | None) -> None:
    """Post the hand-off in the thread (logged, never raised, when Slack refuses)."""
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                      text=handoff.text(policy), unfurl_links=False)
        log.info("slack_handoff", channel=channel, reason=handoff.reason)
    except SlackApiError as exc:
        log_api_error(exc, "slack_handoff_failed", channel=channel)
