"""One turn over HTTP: the Session's events as SSE chunks or as one JSON body.

The turn runs while the client is watched: a client that disconnects stops the turn at once
(the Session stores it interrupted, and the model's stream upstream is closed), whether it
was reading a stream or waiting for a whole answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, cast

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from bot.app import Bot
from bot.session import Session
from contracts.events import Done, Error, Event, Notice, TextDelta
from contracts.turn_view import TurnView
from presenters.api.conversation import HEADER, Conversation
from presenters.api.errors import ApiError
from presenters.api.render import Envelope, closing_text, event_object, turn_object
from presenters.api.request import Question

log = structlog.get_logger("presenters.api")
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"),
               (b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no")]


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


class Watched:
    """An ASGI response produced by ``produce(send)``, cancelled if the client goes away."""

    def __init__(self, produce: Callable[[Send], Awaitable[None]]) -> None:
        self.produce = produce

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        work = asyncio.ensure_future(self.produce(send))
        gone = asyncio.ensure_future(_disconnected(receive))
        try:
            await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            if not work.done():
                log.info("api_client_gone")
                work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work  # a failure of the work itself propagates


class WholeOrStream(ABC):
    """What an API turn does with its events, chat completions and Responses alike: it runs
    while the client is watched; a whole answer is one JSON body, unless the turn failed
    before any text (then an error response); a stream is the subclass's own."""

    caller: str  # the API key's name

    @property
    @abstractmethod
    def streaming(self) -> bool: ...

    @property
    @abstractmethod
    def conversation_id(self) -> str: ...

    @abstractmethod
    def events(self) -> AsyncGenerator[Event, None]: ...

    @abstractmethod
    def body(self, view: TurnView) -> dict[str, Any]: ...

    @abstractmethod
    async def stream(self, send: Send) -> None: ...

    def response(self, scope: Scope, receive: Receive) -> Watched:
        if self.streaming:
            return Watched(self.stream)
        return Watched(lambda send: self.complete(scope, receive, send))

    async def complete(self, scope: Scope, receive: Receive, send: Send) -> None:
        view = TurnView()
        async with aclosing(self.events()) as events:
            async for event in events:
                view.apply(event)
        await self.reply(view)(scope, receive, send)

    def reply(self, view: TurnView) -> Response:
        """The answer; a turn that failed with nothing to show is an error instead."""
        headers = {HEADER: self.conversation_id}
        if view.error is None or view.answer.strip():
            return JSONResponse(self.body(view), headers=headers)
        response = failure(view.error, {"bot": turn_object(view, self.conversation_id)})
        response.headers.update(headers)
        return response


class TurnEndpoint(ABC):
    """A ``POST`` endpoint that answers with one turn, as a raw ASGI app (the turn watches
    ``receive`` for a disconnect): a refused request is its error response; the turn runs
    with the key and conversation bound to every log line."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    @abstractmethod
    async def turn(self, request: Request) -> WholeOrStream: ...

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            turn = await self.turn(Request(scope, receive))
        except ApiError as exc:
            await exc.response()(scope, receive, send)
            return
        with structlog.contextvars.bound_contextvars(api_key=turn.caller,
                                                     conversation=turn.conversation_id):
            await turn.response(scope, receive)(scope, receive, send)


@dataclass
class Turn(WholeOrStream):
    """Everything one request's answer needs."""

    session: Session
    question: Question
    conversation: Conversation
    caller: str  # the API key's name
    envelope: Envelope
    with_sources: bool

    @property
    def user(self) -> str:
        """Who asked, for the store and budgets: the key's name, with the request's ``user``
        (the client's end user) after a colon when it sent one."""
        end_user = self.question.user
        return self.caller if not end_user else f"{self.caller}:{end_user}"

    @property
    def space(self) -> str:
        """Where it was asked, for budgets and ``[spaces]``: ``api:<key name>``."""
        return f"api:{self.caller}"

    def events(self) -> AsyncGenerator[Event, None]:
        q = self.question
        events = self.session.send(q.text, user=self.user, space=self.space,
                                   shown=self.conversation.shown(q), whole=not q.stream)
        return cast(AsyncGenerator[Event, None], events)  # send is an async generator

    @property
    def streaming(self) -> bool:
        return self.question.stream

    @property
    def conversation_id(self) -> str:
        return self.conversation.id

    def body(self, view: TurnView) -> dict[str, Any]:
        return self.envelope.completion(view, self.conversation.id, self.with_sources)

    # -- a stream ----------------------------------------------------------------------------
    async def stream(self, send: Send) -> None:
        headers = [*SSE_HEADERS, (HEADER.lower().encode(), self.conversation.id.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        emit = _Emitter(send)
        await emit.data(self.envelope.chunk({"role": "assistant", "content": ""}))
        view, after = TurnView(), 0
        async with aclosing(self.events()) as events:
            async for event in events:
                view.apply(event)
                if isinstance(event, TextDelta):  # most events: only the text is encoded
                    await emit.encoded(self.envelope.text_chunk(event.text))
                    continue
                delta, after = _delta(event, view, after)
                if delta is not None:
                    await emit.data(self.envelope.chunk(delta))
        await self.finish(emit, view)

    async def finish(self, emit: _Emitter, view: TurnView) -> None:
        if closing := closing_text(view, self.with_sources):
            await emit.data(self.envelope.chunk({"content": closing}))
        turn = {"turn": turn_object(view, self.conversation.id)}
        await emit.data(self.envelope.chunk({"bot": turn}, finish="stop"))
        if self.question.include_usage:
            await emit.data(self.envelope.usage_chunk(view))
        await emit.raw(b"data: [DONE]\n\n", more=False)


def failure(error: Error, turn: dict[str, Any]) -> Response:
    """A turn that failed before any text: 429 when a budget refused it, 503 when trying
    again may help, else 502; ``x-should-retry: false`` keeps OpenAI's SDKs from retrying
    what cannot succeed."""
    if error.reason == "budget":
        refused = ApiError(429, error.message, type="insufficient_quota",
                           code="insufficient_quota", error_id=error.error_id, extra=turn)
    else:
        refused = ApiError(503 if error.retryable else 502, error.message, type="server_error",
                           code="upstream_error", error_id=error.error_id, extra=turn)
    response: Response = refused.response()
    if not error.retryable:
        response.headers["x-should-retry"] = "false"
    return response


def _delta(event: Event, view: TurnView, after: int) -> tuple[dict[str, Any] | None, int]:
    """The chunk delta for one event other than text, and how much of the view's after-text
    is sent."""
    if isinstance(event, Notice):  # placed after a code block the text left open
        text = view.after_text()
        return {"content": text[after:]}, len(text)
    if isinstance(event, Done):
        return None, after
    return {"bot": event_object(event)}, after


class _Emitter:
    def __init__(self, send: Send) -> None:
        self.send = send

    async def data(self, obj: dict[str, Any]) -> None:
        await self.encoded(json.dumps(obj, ensure_ascii=False))

    async def encoded(self, text: str) -> None:
        await self.raw(f"data: {text}\n\n".encode())

    async def raw(self, body: bytes, more: bool = True) -> None:
        await self.send({"type": "http.response.body", "body": body, "more_body": more})
