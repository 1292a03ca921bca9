"""Answering one Slack message through the Bot: exactly once, streamed, with status and footer.

The presenter talks only to :class:`bot.app.Bot` and :class:`bot.session.Session`: the
Session keeps one answer in flight per thread (a second message queues behind it) and
stores the history; ``Bot.claims`` makes each Slack ``event_id`` run once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import cast

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Bot
from bot.keyed_locks import KeyedLocks
from config.sections import SlackSettings
from contracts.events import ApprovalDecision, ApprovalRequest, Event
from contracts.turn_view import TurnView
from presenters.slack.approval import ApprovalPrompts, Posted
from presenters.slack.inbound import Inbound
from presenters.slack.render import THINKING, status_line
from presenters.slack.status import StatusLine
from presenters.slack.web import api_error_code, log_api_error
from presenters.slack.writers import NativeWriter, StreamFailed, Target, UpdateWriter, Writer

log = structlog.get_logger("presenters.slack")
# startStream errors meaning "this workspace or token cannot stream": stop trying.
NO_NATIVE_STREAMING = {"unknown_method", "not_allowed_token_type", "missing_scope",
                       "method_deprecated", "feature_not_enabled", "not_supported"}
EMPTY_MENTION = "Hi <@{user}>! Ask me a question and I'll answer here in the thread."


class Answerer:
    """Turns an :class:`Inbound` message into one streamed answer in its thread."""

    def __init__(self, bot: Bot, client: AsyncWebClient, settings: SlackSettings) -> None:
        self.bot, self.client, self.settings = bot, client, settings
        self.native = settings.streaming != "update" and hasattr(client, "chat_stream")
        self.inflight: set[asyncio.Task[None]] = set()
        # Queued on arrival, before the dedupe claim (which runs in a worker thread, and
        # threads finish in any order): two quick messages in one thread keep their order.
        self.order = KeyedLocks()
        self.approvals = ApprovalPrompts(client)

    async def handle(self, inbound: Inbound) -> None:
        """Answer unless this event is a duplicate or a follow-up in a thread not ours."""
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)  # type: ignore[arg-type]
        try:
            async with self.order.hold(inbound.session_key), \
                    self.bot.claims.claim(inbound.event_id) as fresh:
                if not fresh:
                    log.info("slack_duplicate_event", event_id=inbound.event_id)
                elif inbound.kind != "followup" or await self._answered_in(inbound):
                    await self.answer(inbound)
        except Exception as exc:  # e.g. Slack unreachable: logged; the claim was released
            log.error("slack_answer_failed", event_id=inbound.event_id,
                      error_type=type(exc).__name__, error=str(exc)[:300])
        finally:
            if task is not None:
                self.inflight.discard(task)  # type: ignore[arg-type]

    async def _answered_in(self, inbound: Inbound) -> bool:
        return bool(await self.bot.session(inbound.session_key).history())

    async def answer(self, inbound: Inbound) -> None:
        target = Target(inbound.channel, inbound.thread_ts, inbound.team, inbound.user)
        if not inbound.text:
            await self._say(target, EMPTY_MENTION.format(user=inbound.user))
            return
        status = StatusLine(self.client, target)
        status.set(THINKING)
        view, writer = TurnView(), self._writer(target)
        session = self.bot.session(inbound.session_key)
        stream = cast(AsyncGenerator[Event, None], session.send(inbound.text, user=inbound.user,
                                                               space=inbound.space))
        try:
            async with aclosing(stream) as events:
                async for event in events:
                    writer = self._show(event, view, writer, status, target)
                    if isinstance(event, ApprovalRequest | ApprovalDecision):
                        where = Posted(inbound.session_key, target.channel, target.thread_ts,
                                       target.user)
                        await self.approvals.show(event, view, where)
        finally:
            await status.close()
            await self.approvals.end_turn(view, inbound.session_key)
        await self._finish(writer, view, target)
        log.info("slack_answered", session=inbound.session_key, kind=inbound.kind,
                 turn_id=view.turn_id, error_id=view.error.error_id if view.error else None)

    def _show(self, event: Event, view: TurnView, writer: Writer, status: StatusLine,
              target: Target) -> Writer:
        """Take in one event; returns the writer to use from now on."""
        change = view.apply(event)
        if change in ("status", "step"):
            status.set(status_line(view, change), posted=writer.ts is not None)
        elif change == "text":
            writer = self._healthy(writer, target)
            writer.update(view)
        return writer

    def _writer(self, target: Target) -> Writer:
        s = self.settings
        if self.native:
            return NativeWriter(self.client, target, s.update_interval_s, s.show_usage)
        return UpdateWriter(self.client, target, s.update_interval_s, s.show_usage)

    def _healthy(self, writer: Writer, target: Target) -> Writer:
        """The writer to use now: an update writer once native streaming has failed."""
        if isinstance(writer, NativeWriter) and writer.failure:
            return self._fallback(writer.failure, target)
        return writer

    def _fallback(self, failure: StreamFailed, target: Target) -> UpdateWriter:
        log_api_error(failure.cause, "slack_stream_failed", channel=target.channel)
        if failure.ts is None and api_error_code(failure.cause) in NO_NATIVE_STREAMING:
            self.native = False
        s = self.settings
        return UpdateWriter(self.client, target, s.update_interval_s, s.show_usage, failure.ts)

    async def _finish(self, writer: Writer, view: TurnView, target: Target) -> None:
        try:
            await writer.finish(view)
        except StreamFailed as failure:
            await self._fallback(failure, target).finish(view)

    async def _say(self, target: Target, text: str) -> None:
        try:
            await self.client.chat_postMessage(channel=target.channel, thread_ts=target.thread_ts,
                                               text=text)
        except SlackApiError as exc:
            log_api_error(exc, "slack_post_failed", channel=target.channel)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for answers in flight (on shutdown)."""
        if self.inflight:
            await asyncio.wait(set(self.inflight), timeout=timeout)
