"""What each button and box of the page does. Per-user data lives only in the arguments
(browser state, Gradio session state); this object holds nothing but the shared Bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, cast

import gradio as gr
import structlog

from bot.app import Bot
from bot.failures import new_error_id, user_error
from bot.session import Session
from contracts.events import Event, TextDelta
from presenters.gradio.keys import session_id, session_key
from presenters.gradio.render import Message, TurnRenderer, from_history
from presenters.gradio.sso import signed_in

log = structlog.get_logger("presenters.gradio")
TurnIds = list[int | None]
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


NO_FEEDBACK = "That message cannot take feedback."
STOP_POLLS = 20


class ChatHandlers:
    """Async handlers over ``bot``; ``stream_interval_s`` batches text deltas per update."""

    def __init__(self, bot: Bot, stream_interval_s: float = 0.0) -> None:
        self.bot = bot
        self.show_usage = bot.settings.show_stats
        self.stream_interval_s = stream_interval_s

    def session(self, sid: str) -> Session:
        return self.bot.session(session_key(sid))

    async def load(self, sid: Any) -> tuple[str, list[Message], TurnIds]:
        """A page opened: keep (or mint) its id and show the conversation so far."""
        sid = session_id(sid)
        messages, ids = from_history(await self.session(sid).history())
        return sid, messages, ids

    async def answer(
        self, message: str, history: list[Message] | None, sid: Any, turn_ids: TurnIds | None,
        request: gr.Request,
    ) -> AsyncIterator[tuple[str, list[Message], str, TurnIds]]:
        """Stream the answer to ``message``: yields (textbox, chat, id, turn ids)."""
        sid, history, turn_ids = session_id(sid), list(history or []), list(turn_ids or [])
        if not (message or "").strip():
            yield message, history, sid, turn_ids
            return
        history.append({"role": "user", "content": message})
        turn_ids.append(None)
        yield "", history, sid, turn_ids
        user = signed_in(request, self.bot.settings.access)
        events = self.session(sid).send(message, user=user, space=space_of(request))
        async for chat, ids in self._stream(events, history, turn_ids, sid):
            yield "", chat, sid, ids

    async def retry(
        self, history: list[Message] | None, sid: Any, turn_ids: TurnIds | None,
        request: gr.Request,
    ) -> AsyncIterator[tuple[list[Message], str, TurnIds]]:
        """Answer the last question again, replacing the last answer."""
        sid, history = session_id(sid), list(history or [])
        keep = last_exchange_start(history)
        history, turn_ids = history[:keep], list(turn_ids or [])[:keep]
        yield history, sid, turn_ids
        events = self.session(sid).retry(user=signed_in(request, self.bot.settings.access),
                                         space=space_of(request))
        async for chat, ids in self._stream(events, history, turn_ids, sid):
            yield chat, sid, ids

    async def _stream(
        self, events: AsyncIterator[Event], history: list[Message], turn_ids: TurnIds, sid: str
    ) -> AsyncIterator[tuple[list[Message], TurnIds]]:
        renderer = TurnRenderer(self.show_usage)
        last, shown = 0.0, 0
        try:
            async with aclosing(cast(AsyncGenerator[Event, None], events)) as stream:
                async for event in stream:
                    renderer.apply(event)
                    soon = time.monotonic() - last < self.stream_interval_s
                    if renderer.version == shown or (isinstance(event, TextDelta) and soon):
                        continue  # nothing new, or coalesced into the next update
                    last, shown = time.monotonic(), renderer.version
                    yield self._view(renderer, history, turn_ids)
        except Exception as exc:  # anything the Session did not turn into an Error event
            error_id = new_error_id()
            log.error("gradio_turn_failed", session=session_key(sid), error_id=error_id,
                      error_type=type(exc).__name__, error=str(exc)[:500])
            renderer.apply(user_error(exc, error_id))
        if renderer.version != shown:
            yield self._view(renderer, history, turn_ids)

    @staticmethod
    def _view(renderer: TurnRenderer, history: list[Message], turn_ids: TurnIds
              ) -> tuple[list[Message], TurnIds]:
        shown = renderer.messages
        return history + shown, turn_ids + [renderer.turn_id] * len(shown)

    async def undo(self, sid: Any) -> tuple[str, list[Message], TurnIds]:
        """Take back the last exchange; its question goes back into the text box."""
        session = self.session(session_id(sid))
        text = await session.undo()
        messages, ids = from_history(await session.history())
        return text or "", messages, ids

    async def clear(self, sid: Any) -> tuple[list[Message], TurnIds]:
        """Start a new conversation (the old one stays in the store)."""
        await self.session(session_id(sid)).reset()
        return [], []

    async def after_stop(self, sid: Any) -> tuple[list[Message], TurnIds]:
        """The chat once Stop cancelled the answer: as stored, the cut answer flagged."""
        session = self.session(session_id(sid))
        turns = await session.history()
        for _ in range(STOP_POLLS):  # the cancelled turn is being written as we get here
            if not turns or turns[-1].role == "assistant":
                break
            await asyncio.sleep(0.1)
            turns = await session.history()
        return from_history(turns)

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
