"""Answering one Slack message through the Bot: exactly once, under its channel's policy,
streamed (or held, for private and ``only_when_sourced`` answers), with status and footer.

The presenter talks only to :class:`bot.app.Bot` and :class:`bot.session.Session`: the
Session keeps one answer in flight per thread (a second message queues behind it, unless
the same person's newer message stops it: :mod:`presenters.slack.supersede`) and stores the
history; ``Bot.claims`` makes each Slack ``event_id`` run once.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import cast

import structlog
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Bot
from bot.keyed_locks import KeyedLocks
from bot.session import Session
from config.sections import SlackSettings
from config.slack_channels import ChannelPolicy
from contracts.events import ApprovalDecision, ApprovalRequest, Event, Notice
from contracts.turn_view import TurnView
from presenters.slack.approval import ApprovalPrompts, Posted
from presenters.slack.delivery import Delivery
from presenters.slack.elicit import SlackQuestions
from presenters.slack.identity import SlackDirectory
from presenters.slack.inbound import Inbound
from presenters.slack.policy import ALWAYS, ChannelPolicies, should_answer
from presenters.slack.private import private_key
from presenters.slack.render import THINKING, status_line
from presenters.slack.status import StatusLine
from presenters.slack.supersede import SUPERSEDED, RunningAnswers
from presenters.slack.thread_reader import ThreadContext, ThreadReader
from presenters.slack.web import build_client
from presenters.slack.writer_choice import WriterChoice
from presenters.slack.writers import HeldWriter, Target, Writer

log = structlog.get_logger("presenters.slack")
EMPTY_MENTION = "Hi <@{user}>! Ask me a question and I'll answer here in the thread."
RECENT = 5  # questions per person remembered for the App Home


@dataclass
class Live:
    """One answer in progress: what is shown so far and how."""

    inbound: Inbound
    policy: ChannelPolicy
    key: str  # the conversation: the thread's, or the asker's private one beside it
    private: bool
    view: TurnView
    writer: Writer
    status: StatusLine

    @property
    def target(self) -> Target:
        i = self.inbound
        return Target(i.channel, i.thread_ts, i.team, i.user)


class Answerer:
    """Turns an :class:`Inbound` message into one answer in its thread."""

    def __init__(self, bot: Bot, client: AsyncWebClient, settings: SlackSettings) -> None:
        self.bot, self.client, self.settings = bot, client, settings
        self.writers = WriterChoice(client, settings)
        self.inflight: set[asyncio.Task[None]] = set()
        # Queued on arrival, before the dedupe claim (which runs in a worker thread, and
        # threads finish in any order): two quick messages in one thread keep their order.
        self.order = KeyedLocks()
        self.approvals = ApprovalPrompts(client)
        self.questions = SlackQuestions(client)  # MCP servers' questions to the asker
        self.policies = ChannelPolicies(client, settings)
        self.running = RunningAnswers()
        self.reader = ThreadReader(build_client(settings, retries=0),
                                   settings.thread_read_interval_s, settings.thread_read_limit)
        self.delivery = Delivery(client, settings)
        self.recent: dict[str, deque[str]] = {}
        self.thread_of: dict[str, str] = {}  # an answer's ts -> its thread (for 🆘 on it)
        self.directory = SlackDirectory(client)  # who each asker is, for [access]
        self.bot_user = ""  # set once auth.test has said who the bot is

    async def handle(self, inbound: Inbound) -> None:
        """Answer unless this event is a duplicate or its channel's policy says no."""
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)  # type: ignore[arg-type]
        try:
            policy = await self.policies.for_channel(inbound.channel)
            self._maybe_supersede(inbound, policy)
            async with self.order.hold(inbound.session_key), \
                    self.bot.claims.claim(inbound.event_id) as fresh:
                if not fresh:
                    log.info("slack_duplicate_event", event_id=inbound.event_id)
                elif await self._wanted(inbound, policy):
                    await self.answer(inbound, policy)
        except Exception as exc:  # e.g. Slack unreachable: logged; the claim was released
            log.error("slack_answer_failed", event_id=inbound.event_id,
                      error_type=type(exc).__name__, error=str(exc)[:300])
        finally:
            if task is not None:
                self.inflight.discard(task)  # type: ignore[arg-type]

    def _maybe_supersede(self, inbound: Inbound, policy: ChannelPolicy) -> None:
        busy = self.running.busy(inbound.session_key)
        if busy and policy.supersede and should_answer(inbound, policy, True, self.settings) \
                and self.running.supersede(inbound.session_key, inbound.user, inbound.event_id):
            log.info("slack_superseded", session=inbound.session_key)

    async def _wanted(self, inbound: Inbound, policy: ChannelPolicy) -> bool:
        answered = inbound.kind == "followup" and bool(
            await self.bot.session(inbound.session_key).history())
        return should_answer(inbound, policy, answered, self.settings)

    async def answer(self, inbound: Inbound, policy: ChannelPolicy | None = None) -> None:
        """Answer ``inbound`` now (the caller has checked that it should be answered)."""
        policy = policy or await self.policies.for_channel(inbound.channel)
        if not inbound.text:
            await self.delivery.say(inbound, EMPTY_MENTION.format(user=inbound.user))
            return
        live = self._live(inbound, policy)
        self._remember(inbound)
        session = self.bot.session(live.key, elicitor=self.questions.elicitor(
            live.key, inbound.channel, inbound.thread_ts, inbound.user))
        context = await self._thread_context(inbound, session)
        if context.note:
            live.view.apply(Notice(text=context.note))
        if self.bot.settings.access.enabled:  # the session is open: the bot is built
            self.bot.use_directory("slack", self.directory)
            await self.directory.learn(inbound.user)
        stream = cast(AsyncGenerator[Event, None], session.send(
            inbound.text, user=inbound.user, space=inbound.space, shown=context.shown or None))
        if not await self._stream(live, stream):
            await self._stopped(live, session)
            return
        if isinstance(live.writer, HeldWriter):
            await self.delivery.held(live.inbound, live.policy, live.view, live.private, live.key)
        else:
            await self._finish(live)
            self._posted(live)
            await self.delivery.after_public(live.inbound, live.policy, live.view)
        log.info("slack_answered", session=live.key, kind=inbound.kind, private=live.private,
                 turn_id=live.view.turn_id,
                 error_id=live.view.error.error_id if live.view.error else None)

    def _live(self, inbound: Inbound, policy: ChannelPolicy) -> Live:
        addressed = inbound.kind not in ALWAYS
        private = inbound.private or (policy.ephemeral_default and addressed)
        held = private or (policy.only_when_sourced and addressed)
        key = private_key(inbound.session_key, inbound.user) if private else inbound.session_key
        target = Target(inbound.channel, inbound.thread_ts, inbound.team, inbound.user)
        status = StatusLine(self.client, target)
        if private or not inbound.thread_ts:  # a status line shows to everyone in the thread
            status.enabled = False
        status.set(THINKING)
        writer: Writer = HeldWriter() if held else self.writers.new(target)
        return Live(inbound, policy, key, private, TurnView(), writer, status)

    def _posted(self, live: Live) -> None:
        if live.writer.ts:
            self.thread_of[live.writer.ts] = live.inbound.thread_ts
            while len(self.thread_of) > 10_000:  # the oldest go first
                del self.thread_of[next(iter(self.thread_of))]

    def _remember(self, inbound: Inbound) -> None:
        recent = self.recent.setdefault(inbound.user, deque(maxlen=RECENT))
        recent.appendleft(inbound.text)

    async def _thread_context(self, inbound: Inbound, session: Session) -> ThreadContext:
        """People's earlier messages in a thread the bot is called into for the first time."""
        if not inbound.mid_thread or inbound.kind in ALWAYS or await session.history():
            return ThreadContext()
        return await self.reader.read(inbound.channel, inbound.thread_ts, inbound.ts,
                                      self.bot_user)

    async def _stream(self, live: Live, stream: AsyncGenerator[Event, None]) -> bool:
        """Show the answer as it streams; False when a newer message stopped it."""
        consume = asyncio.create_task(self._consume(live, stream))
        running = self.running.start(live.inbound.session_key, live.inbound.user,
                                     live.inbound.event_id, consume)
        try:
            await consume
        except asyncio.CancelledError:
            if not running.superseded:
                raise
        finally:
            self.running.end(live.inbound.session_key, running)
            await live.status.close()
            await self.approvals.end_turn(live.view, live.key)
        return not running.superseded

    async def _consume(self, live: Live, stream: AsyncGenerator[Event, None]) -> None:
        async with aclosing(stream) as events:
            async for event in events:
                self._show(event, live)
                if isinstance(event, ApprovalRequest | ApprovalDecision):
                    t = live.target
                    where = Posted(live.key, t.channel, t.thread_ts, t.user)
                    await self.approvals.show(event, live.view, where)

    def _show(self, event: Event, live: Live) -> None:
        """Take in one event; the writer may change (native streaming failed)."""
        change = live.view.apply(event)
        if change in ("status", "step"):
            live.status.set(status_line(live.view, change), posted=live.writer.ts is not None)
            if change == "step":
                live.writer.steps(live.view)
        elif change == "text":
            live.writer = self.writers.healthy(live.writer, live.target)
            live.writer.update(live.view)

    async def _stopped(self, live: Live, session: Session) -> None:
        """A newer message stopped this answer: say so in Slack, flag it in the store."""
        live.view.apply(Notice(text=SUPERSEDED.format(user=live.inbound.user)))
        live.view.stop()
        if not isinstance(live.writer, HeldWriter):
            await self._finish(live)
        turns = await session.history()
        if turns and turns[-1].role == "assistant" and turns[-1].interrupted:
            await session.supersede(turns[-1].id)
        log.info("slack_answer_superseded", session=live.key)

    async def _finish(self, live: Live) -> None:
        await self.writers.finish(live.writer, live.view, live.target)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for answers in flight (on shutdown)."""
        if self.inflight:
            await asyncio.wait(set(self.inflight), timeout=timeout)
