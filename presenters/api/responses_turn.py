"""One Responses API turn over HTTP: the Session's events as numbered SSE events or one JSON.

Like a chat completion turn (:mod:`presenters.api.turns`): the turn runs while the client is
watched, and stops when it disconnects; a whole answer that failed before any text is an
error response (429 for a budget, 502/503 otherwise), while a stream (already 200) carries
the apology in its text.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, aclosing
from dataclasses import dataclass
from typing import Any, cast

from starlette.types import Send

from bot.session import Session
from contracts.events import Event, TextDelta
from contracts.turn_view import TurnView
from presenters.api.conversation import HEADER
from presenters.api.render import content
from presenters.api.responses_render import ResponseShape
from presenters.api.responses_request import Ask
from presenters.api.responses_stream import ResponseEvents
from presenters.api.responses_thread import Thread
from presenters.api.turns import SSE_HEADERS, WholeOrStream

SessionScope = Callable[[], AbstractAsyncContextManager[Session]]


@dataclass
class ResponseTurn(WholeOrStream):
    """Everything one Responses request's answer needs."""

    sessions: SessionScope  # the conversation's session (an unstored one for store: false)
    ask: Ask
    thread: Thread
    caller: str  # the API key's name
    shape: ResponseShape
    with_sources: bool

    @property
    def user(self) -> str:
        """The key's name, and the request's ``user`` after a colon (as for chat)."""
        return self.caller if not self.ask.user else f"{self.caller}:{self.ask.user}"

    async def events(self) -> AsyncGenerator[Event, None]:
        async with self.sessions() as session:
            sent = session.send(self.ask.text, user=self.user, space=f"api:{self.caller}",
                                shown=self.thread.shown, whole=not self.ask.stream)
            async with aclosing(cast(AsyncGenerator[Event, None], sent)) as events:
                async for event in events:
                    yield event

    @property
    def streaming(self) -> bool:
        return self.ask.stream

    @property
    def conversation_id(self) -> str:
        return self.thread.id

    def body(self, view: TurnView) -> dict[str, Any]:
        return self.shape.finished(view, self.thread.id, self.with_sources)

    async def stream(self, send: Send) -> None:
        headers = [*SSE_HEADERS, (HEADER.lower().encode(), self.thread.id.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        out = ResponseEvents(send, self.shape)
        await out.opening()
        view, sent = TurnView(), ""
        async with aclosing(self.events()) as events:
            async for event in events:
                view.apply(event)
                if isinstance(event, TextDelta):
                    await out.delta(event.text)
                    sent += event.text
        whole = content(view, self.with_sources)
        if whole.startswith(sent):  # the notes, apology and sources after the answer
            await out.delta(whole[len(sent):])
        await out.closing(self.shape.finished(view, self.thread.id, self.with_sources))

