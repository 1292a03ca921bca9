"""An MCP server's question during an answer, on the page: it shows in the chat where the
call waits, with a form below the chat (one input per field the server asks for) and
Submit / Decline. Pure: imports no gradio (the form is :mod:`presenters.gradio.elicit`).

The turn's events and the questions arrive on one queue (:func:`with_questions`): the event
stream is blocked while the MCP call waits for the person, so the page learns of the
question from the desk rather than from the stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from bot.questions import Question
from contracts.events import Event
from presenters.gradio.render import Message, thought

END = object()


class Idle:
    """Nothing came within the wait asked for: an update held back may be due now."""


IDLE = Idle()


@dataclass
class Shown:
    """The questions of one answer, and where in its messages each goes."""

    questions: dict[str, Question] = field(default_factory=dict)
    at: dict[str, int] = field(default_factory=dict)

    def add(self, question: Question, position: int) -> None:
        self.questions[question.id] = question
        self.at.setdefault(question.id, position)

    def placed(self, messages: list[Message]) -> list[Message]:
        """``messages`` with each question inserted where it was asked."""
        out = list(messages)
        for qid, position in sorted(self.at.items(), key=lambda p: -p[1]):
            out.insert(min(position, len(out)), question_message(self.questions[qid]))
        return out

    def asking(self) -> dict[str, Any] | None:
        """The question the form shows: the oldest still waiting, as plain data."""
        waiting = [q for q in self.questions.values() if q.waiting]
        if not waiting:
            return None
        q = waiting[0]
        return {"id": q.id, "server": q.ask.server, "message": q.ask.message,
                "schema": q.ask.schema}


def question_message(question: Question) -> Message:
    """The question in the chat: ``❓ rooms asks`` with its text and how it ended."""
    ask = question.ask
    if question.waiting:
        text = f"{ask.message}\n\n_Answer in the form below the chat._"
    else:
        text = f"{ask.message}\n\n**Answer:** {question.summary()}"
    return thought(f"❓ {ask.server} asks", text,
                   "pending" if question.waiting else "done", id=f"elicit:{question.id}")


async def with_questions(events: AsyncGenerator[Event, None], inbox: asyncio.Queue[Any],
                         wait_s: Callable[[], float | None] = lambda: None,
                         ) -> AsyncGenerator[Event | Question | Idle, None]:
    """The turn's events and its questions (opened or ended) as they come, and :data:`IDLE`
    when ``wait_s()`` seconds pass without either (None: wait as long as it takes).

    The events are read by one task of their own, so the Session's turn (and the elicitor it
    makes ambient) runs in one context from start to end."""
    async def pump() -> None:
        try:
            async with aclosing(events) as stream:
                async for event in stream:
                    await inbox.put(event)
        except BaseException as exc:
            await inbox.put(exc)
            raise
        await inbox.put(END)

    task = asyncio.create_task(pump())
    try:
        while (item := await next_item(inbox, wait_s())) is not END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def next_item(inbox: asyncio.Queue[Any], wait_s: float | None) -> Any:
    """The next item, or :data:`IDLE` after ``wait_s`` seconds. A timed-out ``get`` leaves
    the queue as it was (asyncio's Queue puts back a wake-up it could not use)."""
    if wait_s is None:
        return await inbox.get()
    try:
        async with asyncio.timeout(wait_s):
            return await inbox.get()
    except TimeoutError:
        return IDLE
