"""Slack's HTTP events endpoint as an ASGI app: what each Ray Serve replica runs.

``create_app(settings)`` builds the Bot and the same Bolt app as ``bot serve slack`` in HTTP
mode (signed requests only, acks first, answers after, exactly once per ``event_id`` through
the shared store), served under the route prefix ``/slack``: ``POST /slack/events`` and
``GET /slack/healthz``. Startup checks the bot token; shutdown lets answers in flight finish.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import Bot
from config import Settings
from presenters.slack.presenter import SlackPresenter

ROUTE_PREFIX = "/slack"


def create_app(settings: Settings) -> Starlette:
    """The endpoint for ``settings`` (``slack.mode = "http"``), its Bot built from them."""
    return build_app(Bot.from_settings(settings))


def build_app(bot: Bot) -> Starlette:
    """The endpoint over a Bot you built; raises ``SlackConfigError`` for missing settings."""
    presenter = SlackPresenter(bot)
    handler = AsyncSlackRequestHandler(presenter.app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await presenter.check_token()
        try:
            yield
        finally:
            await presenter.stop()
            await bot.aclose()

    return Starlette(routes=[Route("/events", events, methods=["POST"]),
                             Route("/healthz", _healthz, methods=["GET"])], lifespan=lifespan)


async def _healthz(_: Request) -> Response:
    return JSONResponse({"ok": True})
