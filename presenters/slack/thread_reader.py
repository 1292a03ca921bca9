"""Reading the thread the bot is called into, within Slack's limits for apps outside the
Marketplace: ``conversations.replies`` about once a minute, at most 15 messages a call.

The reader is shared by every thread of a presenter, so the whole app stays within the limit;
a thread is read only when the store has none of it (the caller checks), and what was read is
stored with the next turn, so the same thread is never read twice. Its client does not retry
429s: waiting out a minute-long Retry-After would hold the answer up for that long.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.transcript import Shown
from presenters.slack.inbound import strip_mention
from presenters.slack.web import api_error_code, log_api_error

log = structlog.get_logger("presenters.slack")
PARTIAL = ("_I could read only the first {n} messages of this thread (Slack limits how much "
           "of a thread an app may read); quote what I missed if it matters._")
UNREAD = ("_I couldn't read this thread's earlier messages just now (Slack lets an app read "
          "threads only about once a minute); quote the question, or mention me again in a "
          "minute._")


@dataclass
class ThreadContext:
    """People's earlier messages as conversation turns, and a note when some are missing."""

    shown: list[Shown] = field(default_factory=list)
    note: str | None = None


class ThreadReader:
    """Reads threads no more often than every ``interval_s`` seconds, app-wide."""

    def __init__(self, client: AsyncWebClient, interval_s: float, limit: int) -> None:
        self.client, self.interval_s, self.limit = client, interval_s, min(limit, 1000)
        self.calls = 0
        self._last = float("-inf")
        self._lock = asyncio.Lock()

    async def _may_read(self) -> bool:
        async with self._lock:
            now = time.monotonic()
            if now - self._last < self.interval_s:
                return False
            self._last = now
            return True

    async def read(self, channel: str, thread_ts: str, before_ts: str,
                   bot_user: str) -> ThreadContext:
        """The messages people wrote in the thread before ``before_ts``."""
        if not await self._may_read():
            log.info("slack_thread_read_deferred", channel=channel, thread_ts=thread_ts)
            return ThreadContext(note=UNREAD)
        self.calls += 1
        try:
            page = await self.client.conversations_replies(
                channel=channel, ts=thread_ts, latest=before_ts, inclusive=False,
                limit=self.limit)
        except SlackApiError as exc:
            log_api_error(exc, "slack_thread_read_failed", level="info", channel=channel)
            return ThreadContext(note=UNREAD if api_error_code(exc) == "ratelimited" else None)
        except (aiohttp.ClientError, TimeoutError) as exc:  # answer without the history
            log.warning("slack_thread_read_failed", channel=channel,
                        error_type=type(exc).__name__)
            return ThreadContext(note=UNREAD)
        shown = [Shown("user", said) for m in page.get("messages") or []
                 if (said := _said(m, before_ts, bot_user))]
        partial = bool(page.get("has_more"))
        log.info("slack_thread_read", channel=channel, messages=len(shown), partial=partial)
        return ThreadContext(shown, PARTIAL.format(n=self.limit) if partial else None)


def _said(message: dict[str, Any], before_ts: str, bot_user: str) -> str | None:
    """``<@U…>: text`` for a person's message before ``before_ts``; None for the bot's own."""
    if message.get("bot_id") or message.get("user") in (None, bot_user):
        return None
    if float(message.get("ts", "0")) >= float(before_ts):
        return None
    text = strip_mention(str(message.get("text", "")), bot_user)
    return f"<@{message['user']}>: {text}" if text else None
