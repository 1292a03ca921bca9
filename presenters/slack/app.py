"""``bot serve slack``: the Slack presenter on slack_bolt's AsyncApp.

Socket Mode (bot token + app token) needs no public URL; HTTP mode (bot token + signing
secret) serves ``POST /slack/events`` (events and button clicks) and ``GET /healthz``.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

import structlog
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.app import Bot
from config.sections import SlackSettings
from presenters.slack.answerer import Answerer
from presenters.slack.config_check import SlackConfigError, check_settings
from presenters.slack.listeners import register
from presenters.slack.web import build_client

log = structlog.get_logger("presenters.slack")
EVENTS_PATH = "/slack/events"


class SlackPresenter:
    """One Slack app connection for a Bot: ``await start()``, ``await stop()``."""

    def __init__(self, bot: Bot, settings: SlackSettings | None = None) -> None:
        self.bot = bot
        self.settings = settings or bot.settings.slack
        check_settings(self.settings)
        self.client = build_client(self.settings)
        http = self.settings.mode == "http"
        secret = self.settings.signing_secret
        self.app = AsyncApp(
            client=self.client,
            signing_secret=secret.get_secret_value() if (http and secret) else None,
            request_verification_enabled=http,
            process_before_response=False,
            ignoring_self_events_enabled=True,
        )
        self.answerer = Answerer(bot, self.client, self.settings)
        register(self.app, bot, self.answerer)
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        """Connect (Socket Mode) or start listening (HTTP mode); returns once ready."""
        if self.settings.mode == "socket":
            token = self.settings.app_token.get_secret_value()  # type: ignore[union-attr]
            self._socket = AsyncSocketModeHandler(
                self.app, token, ping_interval=self.settings.ping_interval_s)
            await self._socket.connect_async()
            log.info("slack_connected", mode="socket")
        else:
            await self._listen()

    async def _listen(self) -> None:
        web_app = self.app.web_app(path=EVENTS_PATH, port=self.settings.port)
        web_app.router.add_get("/healthz", _healthz)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("slack_listening", mode="http", host=self.settings.host, port=self.port,
                 path=EVENTS_PATH)

    async def stop(self) -> None:
        """Take no new events, let answers in flight finish (bounded), then disconnect."""
        if self._socket is not None:
            await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.answerer.drain(self.settings.shutdown_grace_s)
        session: Any = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()


async def _healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def run(bot: Bot) -> None:
    """Serve until SIGINT or SIGTERM, then shut down gracefully."""
    presenter = SlackPresenter(bot)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await presenter.start()
    try:
        await stop.wait()
    finally:
        log.info("slack_stopping")
        await presenter.stop()
        await bot.aclose()


def serve(bot: Bot) -> int:
    """The ``bot serve slack`` entry point; exit status 2 on incomplete Slack settings."""
    try:
        check_settings(bot.settings.slack)
    except SlackConfigError as exc:
        sys.stderr.write(f"Invalid configuration: {exc}\n")
        return 2
    asyncio.run(run(bot))
    return 0
