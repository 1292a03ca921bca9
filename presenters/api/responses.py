"""``POST /v1/responses``: OpenAI's Responses API over the same Session as chat completions.

Same keys, spaces, budgets and store as ``/v1/chat/completions``; conversations continue by
``previous_response_id`` (:mod:`presenters.api.responses_thread`), ``store: false`` keeps
nothing (:mod:`bot.unstored`), and sources come back as annotations on the output
text (:mod:`presenters.api.responses_render`). See docs/api.md, "The Responses API".
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from starlette.requests import Request

from bot.input_guard import InputTooLong, clean_input
from bot.session import Session
from bot.unstored import unstored_session
from presenters.api.errors import bad_request, model_not_found
from presenters.api.keys import key_id
from presenters.api.request import parse_as, read_body
from presenters.api.responses_render import ResponseShape
from presenters.api.responses_request import Ask, ResponsesRequest, ask
from presenters.api.responses_thread import Thread, thread_for
from presenters.api.responses_turn import ResponseTurn
from presenters.api.turns import TurnEndpoint


class Responses(TurnEndpoint):
    """``POST /v1/responses`` as an ASGI endpoint (it needs the raw ``receive``)."""

    async def turn(self, request: Request) -> ResponseTurn:
        s = self.bot.settings.api
        caller = key_id(request.headers.get("authorization"), s.keys)
        body = await read_body(request.stream(), request.headers.get("content-length"),
                               s.max_body_bytes)
        asked = ask(parse_as(body, ResponsesRequest))
        if asked.model != s.model_name:
            raise model_not_found(asked.model)
        self.check_text(asked)
        thread = await thread_for(caller, asked, self.bot.store, request.headers,
                                  s.conversation_headers)
        shape = ResponseShape(id=thread.response_id, message_id=f"msg_{secrets.token_hex(12)}",
                              created_at=int(time.time()), model=s.model_name,
                              previous_response_id=asked.previous_response_id,
                              store=asked.store, user=asked.user)
        return ResponseTurn(sessions=lambda: self.session(thread, asked), ask=asked,
                            thread=thread, caller=caller, shape=shape,
                            with_sources=s.sources_in_text)

    def session(self, thread: Thread, asked: Ask) -> AbstractAsyncContextManager[Session]:
        """The stored conversation, or one that keeps nothing for ``store: false``."""
        if not asked.store:
            return unstored_session(self.bot, thread.key)
        return _as_scope(self.bot.session(thread.key, headless=True))

    def check_text(self, asked: Ask) -> None:
        """The question as the Session will take it: within ``input.max_chars``, not empty."""
        try:
            cleaned = clean_input(asked.text, self.bot.settings.input.max_chars)
        except InputTooLong as exc:
            raise bad_request(str(exc), "input", "message_too_long") from exc
        if not cleaned:
            raise bad_request("The last input item has no text once control characters are "
                              "removed.", "input", "invalid_value")


@asynccontextmanager
async def _as_scope(session: Session) -> AsyncIterator[Session]:
    yield session
