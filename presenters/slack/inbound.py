"""Which Slack events deserve an answer, and the question each one asks.

Pure functions over the Events API payload: no I/O, so every rule is easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from config.sections import SlackSettings

Kind = Literal["mention", "dm", "assistant", "followup"]
# Message subtypes that carry a person's words; edits, joins, deletions and the like do not.
ANSWERABLE_SUBTYPES = {None, "file_share", "thread_broadcast"}


@dataclass(frozen=True)
class Identity:
    """Who the bot is in this workspace (from auth.test)."""

    team_id: str
    user_id: str
    bot_id: str


@dataclass(frozen=True)
class Inbound:
    """One message the bot should answer, and where the answer goes."""

    event_id: str
    team: str
    channel: str
    thread_ts: str
    user: str
    text: str
    kind: Kind

    @property
    def session_key(self) -> str:
        return session_key(self.team, self.channel, self.thread_ts)

    @property
    def space(self) -> str:
        """Where it was asked, for budgets and ``[spaces]``: ``slack:<channel>``."""
        return f"slack:{self.channel}"


def session_key(team: str, channel: str, thread_ts: str) -> str:
    """One conversation per Slack thread: ``slack:<team>:<channel>:<thread_ts>``."""
    return f"slack:{team}:{channel}:{thread_ts}"


def strip_mention(text: str, bot_user_id: str) -> str:
    """The question without the bot's own ``<@U…>`` mention."""
    return re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", "", text).strip()


def skip_reason(event: dict[str, Any], me: Identity, settings: SlackSettings) -> str | None:
    """Why this message must not be answered, or None when it may be."""
    if event.get("user") == me.user_id or (me.bot_id and event.get("bot_id") == me.bot_id):
        return "own_message"
    if settings.ignore_bots and (event.get("bot_id") or event.get("subtype") == "bot_message"):
        return "bot_message"
    if event.get("subtype") not in ANSWERABLE_SUBTYPES:
        return "subtype"
    if not event.get("user"):
        return "no_user"
    channel = str(event.get("channel", ""))
    is_dm = event.get("channel_type") == "im" or channel.startswith("D")
    if is_dm and not settings.answer_dms:
        return "dms_off"
    if not is_dm and settings.allowed_channels and channel not in settings.allowed_channels:
        return "channel_not_allowed"
    return None


def _inbound(body: dict[str, Any], event: dict[str, Any], me: Identity, kind: Kind) -> Inbound:
    return Inbound(
        event_id=str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"),
        team=str(body.get("team_id") or event.get("team") or me.team_id),
        channel=str(event["channel"]),
        thread_ts=str(event.get("thread_ts") or event["ts"]),
        user=str(event.get("user", "")),
        text=strip_mention(str(event.get("text", "")), me.user_id),
        kind=kind,
    )


def from_mention(body: dict[str, Any], me: Identity, settings: SlackSettings) -> Inbound | None:
    """An ``app_mention``: answer in the mention's thread."""
    event = body.get("event", {})
    if skip_reason(event, me, settings):
        return None
    return _inbound(body, event, me, "mention")


def from_message(body: dict[str, Any], me: Identity, settings: SlackSettings) -> Inbound | None:
    """A ``message`` event: a DM, an assistant-thread message, or a possible thread follow-up.

    A channel message that mentions the bot is left to its ``app_mention`` twin. A
    ``followup`` still needs the caller to check that the bot answered in that thread.
    """
    event = body.get("event", {})
    if skip_reason(event, me, settings):
        return None
    if event.get("channel_type") == "im":
        return _inbound(body, event, me, "assistant" if event.get("thread_ts") else "dm")
    if f"<@{me.user_id}" in str(event.get("text", "")):
        return None
    thread_ts = event.get("thread_ts")
    if not settings.answer_followups or not thread_ts or thread_ts == event.get("ts"):
        return None
    return _inbound(body, event, me, "followup")
