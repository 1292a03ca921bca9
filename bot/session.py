"""The one contract every presenter uses: ``async for event in session.send(text)``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

from bot.contracts.events import Done, Error, Event
from bot.contracts.store import FeedbackRecord, Store, TurnRecord
from bot.failures import new_error_id
from bot.input_guard import InputTooLong, clean_input
from bot.keyed_locks import KeyedLocks
from bot.turn import TurnRunner


class Session:
    """One conversation (a terminal, a browser tab, a Slack thread), keyed by ``key``.

    Cheap to create; all state lives in the store, so a restart keeps the context. One turn
    runs at a time per key: a second ``send`` waits for the first.
    """

    def __init__(self, key: str, *, store: Store, turns: TurnRunner, locks: KeyedLocks,
                 max_chars: int) -> None:
        self.key = key
        self.store, self.turns, self.locks, self.max_chars = store, turns, locks, max_chars

    async def send(self, text: str, user: str | None = None,
                   space: str | None = None) -> AsyncIterator[Event]:
        """Answer ``text``, yielding events as they stream. Empty input yields nothing.

        ``user`` is who asked (a Slack user id, a Gradio login, an API key's user) and
        ``space`` where (``"slack:<channel>"``, ``"gradio:<login>"``, ``"api:<key name>"``,
        ``"terminal"``): budgets are counted per each, and ``[spaces]`` in the settings
        may give a place its own collection, primary model, prompts and budget.
        """
        try:
            text = clean_input(text, self.max_chars)
        except InputTooLong as exc:
            yield Error(message=str(exc), error_id=new_error_id(), retryable=False)
            yield Done(turn_id=None, text="", interrupted=False)
            return
        if not text:
            return
        async with self.locks.hold(self.key), \
                aclosing(self.turns.run(self.key, text, user, space)) as events:
            async for event in events:
                yield event

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
