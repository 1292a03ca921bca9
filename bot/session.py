"""The one contract every presenter uses: ``async for event in session.send(text)``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing

from bot.approvals import ApprovalDesk, AskPerson
from bot.budgets import Ticket
from bot.failures import new_error_id
from bot.input_guard import InputTooLong, clean_input
from bot.keyed_locks import KeyedLocks
from bot.transcript import Shown
from bot.turn import TurnRunner
from contracts.approval import ApprovalGate, PolicyGate
from contracts.elicitation import CURRENT as ELICITOR
from contracts.elicitation import Elicitor
from contracts.events import ApprovalRequest, Done, Error, Event
from contracts.store import FeedbackRecord, Store, TurnRecord


class Session:
    """One conversation (a terminal, a browser tab, a Slack thread), keyed by ``key``.

    Cheap to create; all state lives in the store, so a restart keeps the context. One turn
    runs at a time per key: a second ``send`` waits for the first.

    A tool call that needs approval yields an :class:`ApprovalRequest` and waits until
    :meth:`approve` answers it (any Session object of the same key may). A ``headless``
    session has no person to ask: such calls get ``approvals.default`` without asking.
    """

    def __init__(self, key: str, *, store: Store, turns: TurnRunner, locks: KeyedLocks,
                 max_chars: int, desk: ApprovalDesk | None = None,
                 headless: bool = False, elicitor: Elicitor | None = None) -> None:
        self.key = key
        self.store, self.turns, self.locks, self.max_chars = store, turns, locks, max_chars
        self.desk, self.headless = desk or ApprovalDesk(), headless
        self.elicitor = None if headless else elicitor  # no person: elicitations are declined

    async def send(
        self, text: str, user: str | None = None, space: str | None = None, *,
        shown: Sequence[Shown] | None = None, whole: bool = False,
    ) -> AsyncIterator[Event]:
        """Answer ``text``, yielding events as they stream. Empty input yields nothing.

        ``user`` is who asked (a Slack user id, a Gradio login, an API key's user) and
        ``space`` where (``"slack:<channel>"``, ``"gradio:<login>"``, ``"api:<key name>"``,
        ``"terminal"``): budgets are counted per each, and ``[spaces]`` in the settings
        may give a space its own collection, primary model, prompts and budget.

        ``shown``: the conversation before ``text`` as a client that resends it shows it;
        the store is first brought in line with it (:mod:`bot.transcript`), so a resent
        history adds no duplicate turns (in the same trip to the store as the user's turn).
        ``None``: the stored conversation is the history.

        ``whole``: the presenter shows the answer only once it is complete (an API client that
        asked for ``stream: false``), so the models are asked for whole replies, one
        non-streamed call where the backend can (:attr:`contracts.llm.LLMRequest.whole`). The
        events are the same; the text may come in fewer, larger deltas.
        """
        try:
            text = clean_input(text, self.max_chars)
        except InputTooLong as exc:
            yield Error(message=str(exc), error_id=new_error_id(), retryable=False)
            yield Done(turn_id=None, text="", interrupted=False)
            return
        if not text:
            return
        async with self.locks.hold(self.key):
            admitted = None
            if shown is not None:  # a refused caller's history is not stored: admit first
                admitted = await self.turns.check_budget(self.key, user, space)
                if not isinstance(admitted, Ticket):
                    shown = None
            turn = self.turns.run(self.key, text, user, space, self._gate(), admitted,
                                  shown=shown, whole=whole)
            asking = ELICITOR.set(self.elicitor)  # tools of this turn reach the person
            try:
                async with aclosing(turn) as events:
                    async for event in events:
                        yield event
            finally:
                with contextlib.suppress(ValueError):  # closed from another context
                    ELICITOR.reset(asking)

    def _gate(self) -> ApprovalGate:
        approvals = self.turns.settings.approvals
        if self.headless:
            return PolicyGate(allow=approvals.default == "allow")
        return AskPerson(self.desk, self.key, approvals.timeout_s)

    def approve(self, request_id: str, allowed: bool, user: str | None = None) -> bool:
        """Answer this session's approval request; False when it is not open (any more)."""
        return self.desk.answer(self.key, request_id, allowed, user)

    def pending_approvals(self) -> list[ApprovalRequest]:
        """This session's tool calls waiting for approval, oldest first."""
        return self.desk.pending(self.key)

    async def history(self) -> list[TurnRecord]:
        """The current conversation's turns, oldest first."""
        return await asyncio.to_thread(self.store.history, self.key)

    async def reset(self) -> None:
        """Start a new conversation under the same key; the old one stays in the store."""
        await asyncio.to_thread(self.store.reset, self.key)

    async def undo(self) -> str | None:
        """Hide the last exchange from the conversation; returns the user text it held."""
        turns = await self.history()
        last_user = next((t for t in reversed(turns) if t.role == "user"), None)
        if last_user is None:
            return None
        await asyncio.to_thread(self.store.supersede_from, self.key, last_user.id)
        return last_user.text

    async def supersede(self, turn_id: int) -> None:
        """Hide turn ``turn_id`` and any after it from the conversation; the store keeps them,
        flagged superseded (e.g. an answer stopped because its asker sent a newer message)."""
        await asyncio.to_thread(self.store.supersede_from, self.key, turn_id)

    async def retry(self, user: str | None = None,
                    space: str | None = None) -> AsyncIterator[Event]:
        """Ask the last question again, replacing the last answer in the conversation."""
        text = await self.undo()
        if text is None:
            return
        async for event in self.send(text, user=user, space=space):
            yield event

    async def feedback(
        self, turn_id: int, score: int, comment: str | None = None, user: str | None = None
    ) -> int:
        """Store 👍 (score 1) or 👎 (score -1), with an optional comment, against a turn."""
        return await asyncio.to_thread(self.store.add_feedback, turn_id, score, comment, user)

    async def feedback_for(self, turn_id: int) -> list[FeedbackRecord]:
        return await asyncio.to_thread(self.store.feedback, turn_id)
