"""What each button and box of the page does. Per-user data lives only in the arguments
(browser state, Gradio session state); this object holds nothing but the shared Bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, cast

import gradio as gr
import structlog

from bot.app import Bot
from bot.failures import new_error_id, user_error
from bot.questions import DeskElicitor, Question, QuestionDesk
from bot.session import Session
from contracts.events import Event
from presenters.gradio.hints import resolved
from presenters.gradio.keys import session_id, session_key
from presenters.gradio.pace import Pace
from presenters.gradio.questions import Idle, Shown, with_questions
from presenters.gradio.render import Message, TurnRenderer, from_history
from presenters.gradio.sso import signed_in

log = structlog.get_logger("presenters.gradio")
TurnIds = list[int | None]
Asking = dict[str, Any] | None  # the MCP question the form shows (presenters.gradio.questions)
SCORES = {"Like": 1, "Dislike": -1, "1": 1, "-1": -1}


def as_score(value: Any) -> int | None:
    """1 for 👍, -1 for 👎, from Gradio's like data (True/False/"Like") or an API number."""
    if isinstance(value, bool):
        return 1 if value else -1
    if isinstance(value, int | float) and value in (1, -1):
        return int(value)
    return SCORES.get(str(value))


def username(request: gr.Request | None) -> str | None:
    """Who is signed in, when auth is on."""
    return getattr(request, "username", None) if request is not None else None


def space_of(request: gr.Request | None) -> str:
    """Where it was asked, for budgets and ``[spaces]``: ``gradio:<login>``, or ``gradio``
    for a page without sign-in."""
    login = username(request)
    return f"gradio:{login}" if login else "gradio"


def last_exchange_start(history: list[Message]) -> int:
    """Index just after the last user message (where a retried answer starts)."""
    for i in range(len(history) - 1, -1, -1):
        if history[i]["role"] == "user":
            return i + 1
    return 0


class Sent:
    """The State outputs (turn ids, question) an answer last sent. Gradio stores every State
    output of every update and derives its config again, so an unchanged one is skipped."""

    def __init__(self, ids: TurnIds, asking: Asking = None) -> None:
        self.ids, self.asking = ids, asking

    def update(self, chat: list[Message], ids: TurnIds, asking: Asking
               ) -> tuple[list[Message], Any, Any]:
        """The update to yield: ``chat``, and the States only where they changed."""
        out = (chat, gr.skip() if ids == self.ids else ids,
               gr.skip() if asking == self.asking else asking)
        self.ids, self.asking = ids, asking
        return out


NO_FEEDBACK = "That message cannot take feedback."
STOP_POLLS = 20


class ChatHandlers:
    """Async handlers over ``bot``; an answer updates the page at most once per
    ``stream_interval_s`` (:class:`~presenters.gradio.pace.Pace`)."""

    def __init__(self, bot: Bot, stream_interval_s: float = 0.0) -> None:
        self.bot = bot
        self.show_usage = bot.settings.show_stats
        self.stream_interval_s = stream_interval_s
        self.questions = QuestionDesk()  # MCP servers' questions waiting for a browser

    def session(self, sid: str) -> Session:
        return self.bot.session(session_key(sid))

    def asking_session(self, sid: str, inbox: asyncio.Queue[Any]) -> Session:
        """The browser's session, whose MCP questions come to ``inbox`` for the page."""
        key = session_key(sid)
        return self.bot.session(key, elicitor=DeskElicitor(self.questions, key, inbox.put))

    @resolved
    async def load(self, sid: Any) -> tuple[str, list[Message], TurnIds]:
        """A page opened: keep (or mint) its id and show the conversation so far."""
        sid = session_id(sid)
        messages, ids = from_history(await self.session(sid).history())
        return sid, messages, ids

    @resolved
    async def answer(
        self, message: str, history: list[Message] | None, sid: Any, turn_ids: TurnIds | None,
        request: gr.Request,
    ) -> AsyncIterator[tuple[Any, list[Message], str, TurnIds, Asking]]:
        """Stream the answer to ``message``: yields (textbox, chat, id, turn ids, question);
        the textbox is cleared by the first update only, the States sent when changed."""
        sid, history, turn_ids = session_id(sid), list(history or []), list(turn_ids or [])
        if not (message or "").strip():
            yield message, history, sid, turn_ids, None
            return
        history.append({"role": "user", "content": message})
        turn_ids.append(None)
        yield "", history, sid, turn_ids, None  # the question leaves the box once, here
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        user = signed_in(request, self.bot.settings.access)
        events = self.asking_session(sid, inbox).send(message, user=user, space=space_of(request))
        async for chat, ids, asking in self._stream(events, inbox, history, turn_ids, sid):
            # the box untouched: a person may be typing the next question meanwhile
            yield gr.skip(), chat, sid, ids, asking

    @resolved
    async def retry(
        self, history: list[Message] | None, sid: Any, turn_ids: TurnIds | None,
        request: gr.Request,
    ) -> AsyncIterator[tuple[list[Message], str, TurnIds, Asking]]:
        """Answer the last question again, replacing the last answer."""
        sid, history = session_id(sid), list(history or [])
        keep = last_exchange_start(history)
        history, turn_ids = history[:keep], list(turn_ids or [])[:keep]
        yield history, sid, turn_ids, None
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        events = self.asking_session(sid, inbox).retry(
            user=signed_in(request, self.bot.settings.access), space=space_of(request))
        async for chat, ids, asking in self._stream(events, inbox, history, turn_ids, sid):
            yield chat, sid, ids, asking

    async def _stream(
        self, events: AsyncIterator[Event], inbox: asyncio.Queue[Any], history: list[Message],
        turn_ids: TurnIds, sid: str,
    ) -> AsyncIterator[tuple[list[Message], Any, Any]]:
        """The chat, turn ids and question (each State only when changed) as the answer
        streams, at most one update per ``stream_interval_s``."""
        renderer, questions, sent = TurnRenderer(self.show_usage), Shown(), Sent(turn_ids)
        pace = Pace(self.stream_interval_s)
        try:
            merged = with_questions(cast(AsyncGenerator[Event, None], events), inbox,
                                    lambda: pace.wait_s(renderer.version))
            async with aclosing(merged) as stream:
                async for item in stream:
                    if self._take(item, renderer, questions, pace):
                        pace.shown(renderer.version)
                        yield sent.update(*self._view(renderer, questions, history, turn_ids))
        except Exception as exc:  # anything the Session did not turn into an Error event
            error_id = new_error_id()
            log.error("gradio_turn_failed", session=session_key(sid), error_id=error_id,
                      error_type=type(exc).__name__, error=str(exc)[:500])
            renderer.apply(user_error(exc, error_id))
        if renderer.version != pace.shown_version:
            yield sent.update(*self._view(renderer, questions, history, turn_ids))

    @staticmethod
    def _take(item: Event | Question | Idle, renderer: TurnRenderer, questions: Shown,
              pace: Pace) -> bool:
        """Take in one item of the stream; whether the page gets an update now."""
        if isinstance(item, Question):  # asked or ended: show it now
            questions.add(item, len(renderer.messages))
            return True
        if not isinstance(item, Idle):
            renderer.apply(item)
        return pace.due(renderer.version)

    @staticmethod
    def _view(renderer: TurnRenderer, questions: Shown, history: list[Message],
              turn_ids: TurnIds) -> tuple[list[Message], TurnIds, Asking]:
        shown = questions.placed(renderer.messages)
        return history + shown, turn_ids + [renderer.turn_id] * len(shown), questions.asking()

    @resolved
    async def undo(self, sid: Any) -> tuple[str, list[Message], TurnIds]:
        """Take back the last exchange; its question goes back into the text box."""
        session = self.session(session_id(sid))
        text = await session.undo()
        messages, ids = from_history(await session.history())
        return text or "", messages, ids

    @resolved
    async def clear(self, sid: Any) -> tuple[list[Message], TurnIds]:
        """Start a new conversation (the old one stays in the store)."""
        await self.session(session_id(sid)).reset()
        return [], []

    @resolved
    async def after_stop(self, sid: Any) -> tuple[list[Message], TurnIds, Asking]:
        """The chat once Stop cancelled the answer: as stored, the cut answer flagged (and no
        question form left)."""
        session = self.session(session_id(sid))
        turns = await session.history()
        for _ in range(STOP_POLLS):  # the cancelled turn is being written as we get here
            if not turns or turns[-1].role == "assistant":
                break
            await asyncio.sleep(0.1)
            turns = await session.history()
        return *from_history(turns), None

    @resolved
    async def feedback(
        self, index: Any, score: Any, comment: str | None, turn_ids: TurnIds | None, sid: Any,
        request: gr.Request | None = None,
    ) -> str:
        """Store 👍 (1) or 👎 (-1), with an optional comment, for the answer at chat ``index``."""
        ids = list(turn_ids or [])
        position = index[0] if isinstance(index, list | tuple) else index
        try:
            turn_id, value = ids[int(position)], as_score(score)
        except (IndexError, TypeError, ValueError):
            turn_id = value = None
        if turn_id is None or value is None:
            return NO_FEEDBACK
        await self.session(session_id(sid)).feedback(
            turn_id, value, (comment or "").strip() or None, user=username(request))
        return "Thanks for your feedback!"
