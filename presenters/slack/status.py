"""The "is thinking…" line under a thread (assistant.threads.setStatus).

Slack clears it by itself when the bot's reply is posted. Where the workspace refuses it
(older apps without the scope), the answer goes on without status lines.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from presenters.slack.web import log_api_error
from presenters.slack.writers import Target


class StatusLine:
    """Shows one thread's progress; repeats and failures cost no further calls."""

    def __init__(self, client: AsyncWebClient, target: Target) -> None:
        self.client, self.target = client, target
        self.shown: str | None = None
        self.enabled = True

    async def set(self, text: str) -> None:
        if not self.enabled or text == self.shown:
            return
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=self.target.channel, thread_ts=self.target.thread_ts, status=text)
            self.shown = text
        except SlackApiError as exc:
            self.enabled = False
            log_api_error(exc, "slack_status_failed", level="info", channel=self.target.channel)
