"""MCP elicitations put to a person through a page or a chat (Gradio, Slack): the questions
in flight, answered by id, only within the session key that asks.

A presenter gives its Session a :class:`DeskElicitor`; when an MCP server elicits, the
elicitor opens a :class:`Question` on the shared :class:`QuestionDesk`, tells the presenter
(``on_change``) so it can show a form, and waits. The presenter's Submit / Decline (a
Gradio button, a Slack modal) calls :meth:`QuestionDesk.answer` with the session key it
belongs to; a question of another key is not found. When the MCP call stops waiting (the
answer came, ``approvals.timeout_s`` passed, the turn was stopped) the question ends with
its outcome, which the presenter shows: answered, declined, or no answer in time.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

import structlog

from contracts.elicitation import ElicitationAnswer, ElicitationAsk

log = structlog.get_logger("bot.questions")
Outcome = Literal["waiting", "answered", "declined", "timed out"]
OnChange = Callable[["Question"], Awaitable[None]]


@dataclass
class Question:
    """One elicitation shown to a person, and how it ended."""

    id: str
    key: str  # the session key that may answer it
    ask: ElicitationAsk
    answer: asyncio.Future[ElicitationAnswer]
    outcome: Outcome = "waiting"
    user: str | None = None  # who answered
    content: dict[str, object] = field(default_factory=dict)

    @property
    def waiting(self) -> bool:
        return self.outcome == "waiting"

    def summary(self) -> str:
        """How it ended, in words a person reads: ``answered (seats: 6)``."""
        if self.outcome == "answered":
            given = ", ".join(f"{k}: {v}" for k, v in self.content.items())
            return f"answered ({given})" if given else "answered"
        if self.outcome == "timed out":
            return "no answer in time, so it was declined"
        return self.outcome


class QuestionDesk:
    """Open questions of every session of one presenter, by id."""

    def __init__(self) -> None:
        self._open: dict[str, Question] = {}

    def open(self, key: str, ask: ElicitationAsk) -> Question:
        future = asyncio.get_running_loop().create_future()
        question = Question(secrets.token_urlsafe(9), key, ask, future)
        self._open[question.id] = question
        return question

    def get(self, key: str, question_id: str) -> Question | None:
        """Session ``key``'s open question ``question_id``; None for another key's."""
        question = self._open.get(question_id)
        return question if question is not None and question.key == key else None

    def answer(self, key: str, question_id: str, answer: ElicitationAnswer,
               user: str | None = None) -> bool:
        """Answer an open question of session ``key``; False when there is none (any more)."""
        question = self.get(key, question_id)
        if question is None or question.answer.done():
            return False
        question.user = user
        loop = question.answer.get_loop()
        loop.call_soon_threadsafe(_settle, question.answer, answer)
        log.info("elicitation_answered", session=key, question_id=question_id,
                 action=answer.action, user=user)
        return True

    def pending(self, key: str) -> list[Question]:
        """Session ``key``'s questions still waiting, oldest first."""
        return [q for q in self._open.values() if q.key == key and q.waiting]

    def close(self, question: Question, outcome: Outcome) -> None:
        question.outcome = outcome
        self._open.pop(question.id, None)


def _settle(future: asyncio.Future[ElicitationAnswer], answer: ElicitationAnswer) -> None:
    if not future.done():
        future.set_result(answer)


async def _nothing(_: Question) -> None:
    return None


class DeskElicitor:
    """One session's :class:`~contracts.elicitation.Elicitor` over a shared desk."""

    def __init__(self, desk: QuestionDesk, key: str, on_change: OnChange = _nothing) -> None:
        self.desk, self.key, self.on_change = desk, key, on_change

    async def ask(self, ask: ElicitationAsk) -> ElicitationAnswer:
        question = self.desk.open(self.key, ask)
        outcome: Outcome = "timed out"  # the call stopped waiting (timeout or Stop)
        try:
            await self.on_change(question)
            answer = await question.answer
            outcome = "answered" if answer.action == "accept" else "declined"
            question.content = dict(answer.content)
            return answer
        finally:
            self.desk.close(question, outcome)
            await asyncio.shield(self._told(question))

    async def _told(self, question: Question) -> None:
        try:
            await self.on_change(question)
        except Exception as exc:  # showing the outcome must not change the answer
            log.warning("elicitation_outcome_not_shown", session=self.key,
                        error_type=type(exc).__name__, error=str(exc)[:300])
