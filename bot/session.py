"""The one contract every presenter uses: ``async for event in session.send(text)``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

import structlog

from bot.contracts.agent import TurnContext
from bot.contracts.events import Done, Error, Event, Source, Sources, TextDelta, ToolCall
from bot.contracts.llm import approx_tokens
from bot.contracts.llm_errors import LLMEmptyReply
from bot.contracts.run_context import Cancellation
from bot.contracts.store import AssistantTurn, FeedbackRecord, TurnRecord
from bot.contracts.usage import UsageMeter
from bot.failures import new_error_id, user_error
from bot.history import trim_history
from bot.input_guard import InputTooLong, clean_input

if TYPE_CHECKING:
    from bot.app import Bot

log = structlog.get_logger("bot.session")
INTERRUPTED_NOTE = "\n\n(interrupted)"


class _Turn:
    """What one answer has produced so far."""

    def __init__(self) -> None:
        self.text = ""
        self.tool_calls: list[dict[str, Any]] = []
        self.sources: list[Source] = []
        self.error_id: str | None = None
        self.interrupted = False

    def see(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self.text += event.text
        elif isinstance(event, ToolCall):
            self.tool_calls.append(event.model_dump(exclude={"kind"}))
        elif isinstance(event, Sources):
            self.sources = event.sources


class Session:
    """One conversation (a terminal, a browser tab, a Slack thread), keyed by ``key``.

    Cheap to create; all state lives in the Bot's store, so a restart keeps the context.
    One turn runs at a time per key: a second ``send`` waits for the first.
    """

    def __init__(self, bot: Bot, key: str) -> None:
        self.bot = bot
        self.key = key

    async def send(self, text: str, user: str | None = None) -> AsyncIterator[Event]:
        """Answer ``text``, yielding events as they stream. Empty input yields nothing."""
        try:
            text = clean_input(text, self.bot.settings.input.max_chars)
        except InputTooLong as exc:
            yield Error(message=str(exc), error_id=new_error_id(), retryable=False)
            yield Done(turn_id=None, text="", interrupted=False)
            return
        if not text:
            return
        async with self.bot.turn_lock(self.key), aclosing(self._answer(text, user)) as events:
            async for event in events:
                yield event

    async def _answer(self, text: str, user: str | None) -> AsyncGenerator[Event, None]:
        try:
            store = self.bot.store
            user_turn = await asyncio.to_thread(store.add_user_turn, self.key, text, user)
        except Exception as exc:  # the store is down: nothing was saved or asked; say so
            error_id = new_error_id()
            log.error("store_failed", session=self.key, error_id=error_id,
                      error_type=type(exc).__name__, error=str(exc)[:500])
            yield user_error(exc, error_id)
            yield Done(turn_id=None, text="", interrupted=False)
            return
        meter, cancel = UsageMeter(), Cancellation()
        turn = _Turn()
        stored = False
        try:
            async with asyncio.timeout(self.bot.settings.turn_timeout_s):
                ctx = await self._context(text, user_turn, meter, cancel)
                async with aclosing(self.bot.agent.run(ctx)) as events:
                    async for event in events:
                        turn.see(event)
                        yield event
            if not turn.text.strip():
                raise LLMEmptyReply("the turn produced no text")
        except (asyncio.CancelledError, GeneratorExit):
            cancel.set()
            turn.interrupted = True
            self._store(turn, meter)  # synchronous: no await may run once we are cancelled
            stored = True
            raise
        except Exception as exc:  # every failure becomes a polite Error event
            cancel.set()  # e.g. the turn timed out: a tool's thread may stop early
            turn.error_id = new_error_id()
            log.error("turn_failed", session=self.key, error_id=turn.error_id,
                      error_type=type(exc).__name__, error=str(exc)[:500],
                      profile=getattr(exc, "profile", None))
            if turn.text:  # the user saw part of an answer: say plainly that it broke off
                turn.interrupted = True
                note = TextDelta(text=INTERRUPTED_NOTE)
                turn.see(note)
                yield note
            yield user_error(exc, turn.error_id)
        finally:
            if not stored:
                turn_id = await asyncio.to_thread(self._store, turn, meter)
        yield meter.usage()
        yield Done(turn_id=turn_id, text=turn.text, interrupted=turn.interrupted)

    async def _context(
        self, text: str, user_turn: int, meter: UsageMeter, cancel: Cancellation
    ) -> TurnContext:
        bot = self.bot
        llm = bot.models.for_role("primary")
        profile = bot.settings.profiles.get(llm.profile)
        budget = (profile.context_tokens if profile else 4096) // 2
        counter = getattr(llm, "count_tokens", approx_tokens)
        turns = await asyncio.to_thread(bot.store.history, self.key, 200)
        prior = [t for t in turns if t.id != user_turn]
        return TurnContext(
            key=self.key, user_text=text, history=trim_history(prior, budget, counter),
            models=bot.models, tools=bot.tools, prompts=bot.prompts, settings=bot.settings,
            meter=meter, cancel=cancel, log=log.bind(session=self.key),
        )

    def _store(self, turn: _Turn, m: UsageMeter) -> int | None:
        """Save the answer; a store failing now is logged, never raised into a presenter."""
        try:
            return self._save(turn, m)
        except Exception as exc:  # the answer was already shown; losing its record is logged
            log.error("store_failed", session=self.key, stage="answer",
                      error_type=type(exc).__name__, error=str(exc)[:500])
            return None

    def _save(self, turn: _Turn, m: UsageMeter) -> int:
        record = AssistantTurn(
            text=turn.text, tool_calls=turn.tool_calls, sources=turn.sources,
            backend=m.backend or None, model=m.model or None, input_tokens=m.input_tokens,
            output_tokens=m.output_tokens, cost_usd=m.cost_usd,
            latency_s=time.monotonic() - m.started, ttft_s=m.ttft_s,
            error_id=turn.error_id, interrupted=turn.interrupted,
        )
        turn_id = self.bot.store.add_assistant_turn(self.key, record)
        log.info("turn", session=self.key, turn_id=turn_id, backend=m.backend, model=m.model,
                 latency_s=round(record.latency_s or 0, 3),
                 ttft_s=None if m.ttft_s is None else round(m.ttft_s, 3),
                 input_tokens=m.input_tokens, output_tokens=m.output_tokens,
                 cost_usd=round(m.cost_usd, 6), error_id=turn.error_id,
                 interrupted=turn.interrupted)
        return turn_id

    async def history(self) -> list[TurnRecord]:
        """The current conversation's turns, oldest first."""
        return await asyncio.to_thread(self.bot.store.history, self.key)

    async def reset(self) -> None:
        """Start a new conversation under the same key; the old one stays in the store."""
        await asyncio.to_thread(self.bot.store.reset, self.key)

    async def undo(self) -> str | None:
        """Hide the last exchange from the conversation; returns the user text it held."""
        turns = await self.history()
        last_user = next((t for t in reversed(turns) if t.role == "user"), None)
        if last_user is None:
            return None
        await asyncio.to_thread(self.bot.store.supersede_from, self.key, last_user.id)
        return last_user.text

    async def retry(self, user: str | None = None) -> AsyncIterator[Event]:
        """Ask the last question again, replacing the last answer in the conversation."""
        text = await self.undo()
        if text is None:
            return
        async for event in self.send(text, user=user):
            yield event

    async def feedback(
        self, turn_id: int, score: int, comment: str | None = None, user: str | None = None
    ) -> int:
        """Store 👍 (score 1) or 👎 (score -1), with an optional comment, against a turn."""
        return await asyncio.to_thread(self.bot.store.add_feedback, turn_id, score, comment, user)

    async def feedback_for(self, turn_id: int) -> list[FeedbackRecord]:
        return await asyncio.to_thread(self.bot.store.feedback, turn_id)
