"""``bot serve api``: the ASGI app and its routes.

``create_app(settings)`` builds everything from settings (``uvicorn --factory
presenters.api.app:create_app``, Ray Serve); ``build_app(bot)`` wraps a Bot you built
(tests give it scripted models). All conversation state lives in the store, so several
processes (replicas) can serve the same conversations.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import Bot
from bot.input_guard import InputTooLong, clean_input
from bot.webhooks import WebhookAnswer, github_webhook
from config import Settings
from presenters.api.conversation import conversation_for
from presenters.api.errors import ApiError, bad_request, model_not_found
from presenters.api.history_check import checked_history
from presenters.api.keys import key_id
from presenters.api.openapi import openapi
from presenters.api.render import Envelope
from presenters.api.request import Question, parse, question, read_body
from presenters.api.responses import Responses
from presenters.api.turns import Turn, TurnEndpoint

log = structlog.get_logger("presenters.api")


class ChatCompletions(TurnEndpoint):
    """``POST /v1/chat/completions`` as an ASGI endpoint (it needs the raw ``receive``)."""

    async def turn(self, request: Request) -> Turn:
        s = self.bot.settings.api
        caller = key_id(request.headers.get("authorization"), s.keys)
        body = await read_body(request.stream(), request.headers.get("content-length"),
                               s.max_body_bytes)
        request_body = parse(body)
        q = question(request_body)
        if q.model != s.model_name:
            raise model_not_found(q.model)
        self.check_text(q)
        q = checked_history(request_body, q, self.bot.settings.input.max_chars,
                            s.max_history_messages)
        conversation = conversation_for(caller, request.headers, s.conversation_headers, q)
        envelope = Envelope(id=f"chatcmpl-{secrets.token_hex(12)}", created=int(time.time()),
                            model=s.model_name)
        return Turn(session=self.bot.session(conversation.key, headless=True), question=q,
                    conversation=conversation, caller=caller, envelope=envelope,
                    with_sources=s.sources_in_text)

    def check_text(self, q: Question) -> None:
        """The question as the Session will take it: within ``input.max_chars``, not empty."""
        try:
            cleaned = clean_input(q.text, self.bot.settings.input.max_chars)
        except InputTooLong as exc:
            raise bad_request(str(exc), "messages", "message_too_long") from exc
        if not cleaned:
            raise bad_request("The last message has no text once control characters are "
                              "removed.", "messages", "invalid_value")


def model_list(bot: Bot) -> dict[str, Any]:
    name = bot.settings.api.model_name
    return {"object": "list",
            "data": [{"id": name, "object": "model", "created": 0, "owned_by": "bot"}]}


def build_app(bot: Bot, *, close_bot: bool = False) -> Starlette:
    """The API over ``bot``; ``close_bot``: close it when the app shuts down."""

    async def models(request: Request) -> Response:
        key_id(request.headers.get("authorization"), bot.settings.api.keys)
        wanted = request.path_params.get("model")
        listing = model_list(bot)
        if wanted is None:
            return JSONResponse(listing)
        if wanted != bot.settings.api.model_name:
            raise model_not_found(wanted)
        return JSONResponse(listing["data"][0])

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def github_hook(request: Request) -> Response:
        answer = await webhook_answer(bot, request)
        return JSONResponse(answer.body, status_code=answer.status)

    async def description(request: Request) -> Response:
        return JSONResponse(openapi(bot.settings.api.model_name))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        log.info("api_started", model=bot.settings.api.model_name,
                 keys=sorted(bot.settings.api.keys))
        yield
        if close_bot:
            await bot.aclose()

    routes = [Route("/v1/chat/completions", ChatCompletions(bot), methods=["POST"]),
              Route("/v1/responses", Responses(bot), methods=["POST"]),
              Route("/v1/models", models, methods=["GET"]),
              Route("/v1/models/{model:path}", models, methods=["GET"]),
              Route("/health", health, methods=["GET"]),
              Route("/webhooks/github", github_hook, methods=["POST"]),
              Route("/openapi.json", description, methods=["GET"])]
    handlers: dict[Any, Any] = {ApiError: _api_error, HTTPException: _http_error,
                                Exception: _unexpected}
    return Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)


def create_app(settings: Settings | None = None) -> Starlette:
    """The API from settings (``load_settings()`` when none): the factory for uvicorn and
    Ray Serve. Building it does no I/O; the Bot is closed when the app shuts down."""
    from config import load_settings

    return build_app(Bot.from_settings(settings or load_settings()), close_bot=True)


async def webhook_answer(bot: Bot, request: Request) -> WebhookAnswer:
    """A GitHub delivery verified and acted on (off the event loop: it reads settings and
    may wake the scheduler)."""
    import anyio

    body = await request.body()
    return await anyio.to_thread.run_sync(github_webhook, bot.settings, body, request.headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = "Unknown request URL. See docs/api.md for the endpoints." if status == 404 \
        else str(exc.detail)
    return ApiError(status, f"{message} ({request.method} {request.url.path})",
                    code="unknown_url" if status == 404 else None).response()


async def _unexpected(request: Request, exc: Exception) -> Response:
    failure = ApiError(500, "Something went wrong on our side.", type="server_error")
    response = failure.response()
    log.error("api_unexpected", error_id=response.headers["X-Bot-Error-Id"],
              error_type=type(exc).__name__, error=str(exc)[:500], path=request.url.path)
    return response
