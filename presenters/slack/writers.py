"""Getting one streaming answer into a Slack thread.

:class:`NativeWriter` uses Slack's streaming methods (chat.startStream/appendStream/stopStream
through slack_sdk's ``chat_stream`` helper): Slack renders the Markdown, tables included, and
each call carries only the new text. :class:`UpdateWriter` posts one message and edits it with
chat.update at most once per interval, sending mrkdwn. Both pace their calls with
:class:`Paced` and put sources, usage and 👍/👎 under the finished answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from contracts.turn_view import TurnView
from presenters.slack.paced import Paced
from presenters.slack.render import (
    NO_ANSWER_NOTE,
    closing_markdown,
    final_markdown,
    final_message,
    footer_blocks,
    message_text,
)
from presenters.slack.web import log_api_error

APPEND_LIMIT = 10_000  # characters per chat.appendStream; Slack takes at most 12,000


@dataclass(frozen=True)
class Target:
    """Where the answer goes and whom it answers."""

    channel: str
    thread_ts: str
    team: str
    user: str


class Writer(Protocol):
    @property
    def ts(self) -> str | None: ...

    def update(self, view: TurnView) -> None: ...
    async def finish(self, view: TurnView) -> None: ...


class StreamFailed(Exception):
    """Native streaming did not work; ``ts`` is the message it started, if any."""

    def __init__(self, cause: SlackApiError, ts: str | None) -> None:
        super().__init__(str(cause))
        self.cause, self.ts = cause, ts


class UpdateWriter:
    """One message, edited as the answer grows; the final edit adds the footer blocks."""

    def __init__(self, client: AsyncWebClient, target: Target, interval: float,
                 show_usage: bool, ts: str | None = None) -> None:
        self.client, self.target, self.show_usage, self.ts = client, target, show_usage, ts
        self._view = TurnView()
        self._paced = Paced(interval, self._publish, "answer edits")

    def update(self, view: TurnView) -> None:
        self._view = view
        self._paced.mark()

    async def _publish(self) -> None:
        try:
            await self._send(message_text(self._view.text, partial=True), None)
        except SlackApiError as exc:  # a lost edit is fine: the final one carries everything
            log_api_error(exc, "slack_update_failed", channel=self.target.channel)

    async def _send(self, text: str, blocks: list[dict[str, Any]] | None) -> None:
        t = self.target
        if self.ts is None:
            response = await self.client.chat_postMessage(
                channel=t.channel, thread_ts=t.thread_ts, text=text, blocks=blocks,
                unfurl_links=False, unfurl_media=False)
            self.ts = str(response["ts"])
        else:
            await self.client.chat_update(channel=t.channel, ts=self.ts, text=text,
                                          blocks=blocks or [])

    async def finish(self, view: TurnView) -> None:
        await self._paced.close()
        text, blocks = final_message(view, self.show_usage)
        try:
            await self._send(text or NO_ANSWER_NOTE, blocks or None)
        except SlackApiError as exc:
            log_api_error(exc, "slack_answer_not_sent", level="error",
                          channel=self.target.channel)


class NativeWriter:
    """Slack's native streaming: append only the new Markdown, stop with the footer blocks."""

    def __init__(self, client: AsyncWebClient, target: Target, interval: float,
                 show_usage: bool) -> None:
        self.client, self.target, self.show_usage = client, target, show_usage
        self._view = TurnView()
        self._stream: Any = None
        self._sent = 0
        self._paced = Paced(interval, self._publish, "answer stream")

    @property
    def ts(self) -> str | None:
        return None if self._stream is None else self._stream.ts

    @property
    def failure(self) -> StreamFailed | None:
        err = self._paced.error
        return err if isinstance(err, StreamFailed) else None

    def update(self, view: TurnView) -> None:
        self._view = view
        self._paced.mark()

    async def _open(self) -> Any:
        t = self.target
        return await self.client.chat_stream(
            channel=t.channel, thread_ts=t.thread_ts, recipient_team_id=t.team,
            recipient_user_id=t.user, buffer_size=1)

    async def _publish(self) -> None:
        try:
            await self._append(self._view.text)
        except SlackApiError as exc:
            raise StreamFailed(exc, self.ts) from exc

    async def _append(self, text: str) -> None:
        """Append what of ``text`` is not sent yet, in pieces Slack accepts."""
        while self._sent < len(text):
            piece = text[self._sent:self._sent + APPEND_LIMIT]
            self._stream = self._stream or await self._open()
            await self._stream.append(markdown_text=piece)
            self._sent += len(piece)

    async def finish(self, view: TurnView) -> None:
        """Raises :class:`StreamFailed` when streaming broke, so the caller can fall back."""
        await self._paced.close()
        if self.failure:
            raise self.failure
        closing = closing_markdown(view)
        if not final_markdown(view).strip():
            closing = NO_ANSWER_NOTE
        try:
            if len(view.text) - self._sent > APPEND_LIMIT:
                await self._append(view.text)
            tail = view.text[self._sent:] + closing
            self._stream = self._stream or await self._open()
            await self._stream.stop(markdown_text=tail or None,
                                    blocks=footer_blocks(view, self.show_usage) or None)
        except SlackApiError as exc:
            raise StreamFailed(exc, self.ts) from exc
