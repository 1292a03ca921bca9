"""One answer: the user's text stored first, the agent run over the turn's context, the
answer stored with its usage, every failure turned into a polite :class:`Error` event."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing

import structlog

from bot.access import Principals, source_groups
from bot.admission import Admission, admit, check
from bot.budgets import BudgetGate, Ticket
from bot.catalog import build_agent
from bot.failures import could_not_start, new_error_id, user_error
from bot.history import trim_history
from bot.models import ModelPool
from bot.spaces import Space, Spaces
from bot.transcript import Shown, adopt
from bot.turn_trace import note_event, turn_attributes
from config import Settings
from contracts.access import Principal
from contracts.agent import Agent, TurnContext
from contracts.approval import ApprovalGate, PolicyGate
from contracts.events import Done, Event
from contracts.llm import approx_tokens
from contracts.llm_errors import LLMEmptyReply
from contracts.run_context import Cancellation, Prompts
from contracts.store import AssistantTurn, Store, TurnRecord
from contracts.tools import Tool
from contracts.tracing import NO_TRACER, Span, Tracer
from contracts.turn_view import TurnView
from contracts.usage import UsageMeter

log = structlog.get_logger("bot.session")


class TurnRunner:
    """Shared by every session of a Bot: what a turn needs, handed over explicitly."""

    def __init__(self, *, settings: Settings, store: Store, models: ModelPool, agent: Agent,
                 tools: dict[str, Tool], prompts: Prompts, spaces: Spaces,
                 budgets: BudgetGate, tracer: Tracer = NO_TRACER) -> None:
        self.settings, self.store, self.models = settings, store, models
        self.agent, self.tools, self.prompts = agent, tools, prompts
        self.spaces, self.budgets, self.tracer = spaces, budgets, tracer
        # who each turn answers, the sources' groups included (docs/access.md)
        self.principals = Principals(settings.access, source_groups(store))
        self._agents: dict[str, Agent] = {}  # other agents spaces call for, built when first used

    async def check_budget(self, key: str, user: str | None, space: str | None) -> Admission:
        """The budgets' answer for a turn about to run, asked before anything is stored."""
        return await check(self.budgets, key, user, self.spaces.resolve(space))

    async def run(self, key: str, text: str, user: str | None,
                  space: str | None = None, approvals: ApprovalGate | None = None,
                  admitted: Admission | None = None, *,
                  shown: Sequence[Shown] | None = None) -> AsyncGenerator[Event, None]:
        """Answer ``text`` in conversation ``key``: the agent's events, then Usage and Done.
        ``space`` (e.g. ``"slack:C0123"``) picks the settings and budget apply;
        ``approvals`` answers tool calls that need approval (default: deny them);
        ``admitted``: what :meth:`check_budget` answered for this turn (else it is asked);
        ``shown``: the conversation as a client that resends it shows it, adopted by the
        store just before the user's turn (see :func:`bot.transcript.adopt`)."""
        with self.tracer.turn(turn_attributes(key)) as span:
            events = self._run(key, text, user, space, approvals, span, admitted, shown)
            async with aclosing(events) as stream:
                async for event in stream:
                    if span.recording:
                        note_event(span, event, text, self.settings.tracing.include_text)
                    yield event

    async def _run(self, key: str, text: str, user: str | None, space_id: str | None,
                   approvals: ApprovalGate | None, span: Span, admitted: Admission | None,
                   shown: Sequence[Shown] | None) -> AsyncGenerator[Event, None]:
        space = self.spaces.resolve(space_id)
        try:  # one trip to the store's thread: the client's history, the user's turn, then
            # the conversation so far (each trip waits for a thread: ~0.1 ms, more under load)
            user_turn, prior = await asyncio.to_thread(self._begin, key, text, user, space,
                                                       shown)
        except Exception as exc:  # the store is down: nothing was saved or asked; say so
            for event in could_not_start("store_failed", key, exc):
                yield event
            return
        ticket = await admit(self.budgets, self.store, key, user, space, user_turn, admitted)
        if not isinstance(ticket, Ticket):  # refused: the turn is stored, no model is called
            for event in ticket:
                yield event
            return
        meter, cancel, view = UsageMeter(), Cancellation(), TurnView()
        stored = False
        try:
            async with asyncio.timeout(self.settings.turn_timeout_s):
                ctx = self._context(key, text, prior, meter, cancel, space, span)
                ctx.principal = await self._principal(key, user, space_id)
                ctx.approvals = approvals or PolicyGate()
                async with aclosing(self._agent_for(space).run(ctx)) as events:
                    async for event in events:
                        view.apply(event)
                        yield event
            if not view.answer.strip():
                raise LLMEmptyReply("the turn produced no text")
        except (asyncio.CancelledError, GeneratorExit):
            cancel.set()
            view.stop()
            stored = True
            await self._store_stopped(key, view, meter, ticket, user)
            raise
        except Exception as exc:  # every failure becomes a polite Error event
            cancel.set()  # e.g. the turn timed out: a tool's thread may stop early
            error = user_error(exc, new_error_id())
            log.error("turn_failed", session=key, error_id=error.error_id,
                      error_type=type(exc).__name__, error=str(exc)[:500],
                      profile=getattr(exc, "profile", None))
            view.apply(error)  # after part of an answer, this marks it interrupted
            yield error
        finally:
            if not stored:
                turn_id = await asyncio.to_thread(self._store, key, view, meter, ticket, user)
        yield meter.usage()
        yield Done(turn_id=turn_id, text=view.answer, interrupted=view.interrupted)

    async def _principal(self, key: str, user: str | None, space_id: str | None
                         ) -> Principal | None:
        """Who the turn answers. With ``[access]`` on, read on a thread (the sources' groups
        are in the store); off, there is nobody to look up, so no trip to a thread (under
        a crowd each trip also waits for a free thread and core)."""
        if not self.principals.access.enabled:
            return None
        return await asyncio.to_thread(self.principals.for_turn, key, user, space_id)

    def _agent_for(self, space: Space) -> Agent:
        """The configured agent; a space whose primary model calls for another (``agent =
        "auto"``) gets that one."""
        name = space.settings.agent_name()
        if space.primary is None or name == self.settings.agent_name():
            return self.agent
        if name not in self._agents:
            self._agents[name] = build_agent(space.settings)
        return self._agents[name]

    def _begin(self, key: str, text: str, user: str | None, space: Space,
               shown: Sequence[Shown] | None = None) -> tuple[int, list[TurnRecord] | Exception]:
        """Adopt what the client shows (when it resends the conversation), store the user's
        turn (raising if that fails), then read the turns before it."""
        if shown is not None:
            self._adopt(key, shown, user, space)
        user_turn = self.store.add_user_turn(key, text, user, space.id)
        try:
            return user_turn, [t for t in self.store.history(key, 200) if t.id != user_turn]
        except Exception as exc:  # the question is stored: the turn fails politely, later
            return user_turn, exc

    def _adopt(self, key: str, shown: Sequence[Shown], user: str | None, space: Space) -> None:
        """A store that fails here fails again on the user's turn, which says so politely."""
        try:
            plan = adopt(self.store, key, shown, user, space.id)
        except Exception as exc:
            log.error("history_sync_failed", session=key, error_type=type(exc).__name__,
                      error=str(exc)[:500])
            return
        if plan.changes:
            log.info("history_synced", session=key, reset=plan.reset,
                     superseded_from=plan.supersede_from, added=len(plan.add))

    def _context(self, key: str, text: str, prior: list[TurnRecord] | Exception,
                 meter: UsageMeter, cancel: Cancellation, space: Space, span: Span
                 ) -> TurnContext:
        if isinstance(prior, Exception):
            raise prior
        models = self.spaces.models(space, self.models)
        llm = models.for_role("primary")
        profile = space.settings.profiles.get(llm.profile)
        budget = (profile.context_tokens if profile else 4096) // 2
        counter = getattr(llm, "count_tokens", approx_tokens)
        return TurnContext(
            key=key, user_text=text, history=trim_history(prior, budget, counter),
            models=models, tools=self.tools, prompts=self.spaces.prompts(space, self.prompts),
            settings=space.settings, meter=meter, cancel=cancel, log=log.bind(session=key),
            span=span,
        )

    async def _store_stopped(self, key: str, view: TurnView, meter: UsageMeter,
                             ticket: Ticket, user: str | None) -> None:
        """Save a stopped turn on the store's thread, never on the event loop (the store may
        wait on its lock or SQLite's busy timeout, and every other request would wait with
        it). Shielded: cancelled again, the save still finishes in its thread."""
        try:
            saving = asyncio.get_running_loop().run_in_executor(
                None, self._store, key, view, meter, ticket, user)
        except RuntimeError:  # the loop's executor is shut down: the process is ending
            self._store(key, view, meter, ticket, user)
            return
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(saving)

    def _store(self, key: str, view: TurnView, meter: UsageMeter, ticket: Ticket,
               user: str | None) -> int | None:
        """Save the answer and settle its budget; a store failing now is logged, never
        raised into a presenter (an unsettled hold lapses by itself). Each on its own: an
        answer that could not be saved is still charged."""
        turn_id = None
        try:
            turn_id = self._save(key, view, meter, user)
        except Exception as exc:  # the answer was already shown; losing its record is logged
            log.error("store_failed", session=key, stage="answer",
                      error_type=type(exc).__name__, error=str(exc)[:500])
        try:
            self.budgets.settle(ticket, meter.input_tokens + meter.output_tokens, meter.cost_usd)
        except Exception as exc:  # the hold lapses by itself; the use is not charged
            log.error("store_failed", session=key, stage="budget",
                      error_type=type(exc).__name__, error=str(exc)[:500])
        return turn_id

    def _save(self, key: str, view: TurnView, m: UsageMeter, user: str | None) -> int:
        record = AssistantTurn(
            text=view.answer, user=user, tool_calls=[s.stored() for s in view.steps],
            sources=view.sources,
            backend=m.backend or None, model=m.model or None, input_tokens=m.input_tokens,
            output_tokens=m.output_tokens, cost_usd=m.cost_usd,
            latency_s=time.monotonic() - m.started, ttft_s=m.ttft_s,
            error_id=view.error.error_id if view.error else None, interrupted=view.interrupted,
        )
        turn_id = self.store.add_assistant_turn(key, record)
        log.info("turn", session=key, turn_id=turn_id, backend=m.backend, model=m.model,
                 latency_s=round(record.latency_s or 0, 3),
                 ttft_s=None if m.ttft_s is None else round(m.ttft_s, 3),
                 input_tokens=m.input_tokens, output_tokens=m.output_tokens,
                 cost_usd=round(m.cost_usd, 6), error_id=record.error_id,
                 interrupted=view.interrupted)
        return turn_id
