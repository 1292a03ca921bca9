"""The "is thinking…" line under a thread (assistant.threads.setStatus).

Updates run in the background, so a rate-limited status call never holds up the answer.
Slack clears the line when the bot posts; a status set after the answer's message began is
cleared explicitly at the end. Where the workspace refuses status (no scope), the answer
goes on without it.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from presenters.slack.paced import Paced
from presenters.slack.web import log_api_error
from presenters.slack.writers import Target


class StatusLine:
    """One thread's progress line; repeats cost nothing and a refusal turns it off."""

    def __init__(self, client: AsyncWebClient, target: Target) -> None:
        self.client, self.target = client, target
        self.wanted: str | None = None
        self.shown: str | None = None
        self.enabled = True
        self.after_post = False
        self._paced = Paced(0.0, self._send, "status line")

    def set(self, text: str, posted: bool = False) -> None:
        """Show ``text``; ``posted`` says the answer's message is already in the thread."""
        if not self.enabled or text == self.wanted:
            return
        self.wanted = text
        self.after_post = self.after_post or posted
        self._paced.mark()

    async def _send(self) -> None:
        text = self.wanted or ""
        if text == (self.shown or ""):
            return
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=self.target.channel, thread_ts=self.target.thread_ts, status=text)
            self.shown = text
        except SlackApiError as exc:
            self.enabled = False
            log_api_error(exc, "slack_status_failed", level="info", channel=self.target.channel)

    async def close(self) -> None:
        """Stop updating; clear a line that Slack's own clearing may have missed."""
        await self._paced.close()
        if self.enabled and self.after_post and self.shown:
            self.wanted = ""
            await self._send()
