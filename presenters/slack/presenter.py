"""The Slack presenter on slack_bolt's AsyncApp: one app connection for a Bot.

Socket Mode (bot token + app token) needs no public URL; HTTP mode (bot token + signing
secret) serves ``POST /slack/events`` (events and button clicks) and ``GET /healthz``, on
its own aiohttp server or, replicated on Ray Serve, as the ASGI app of
:mod:`presenters.slack.asgi`.
"""

from __future__ import annotations

from typing import Any

import structlog
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app import Bot
from config.sections import SlackSettings
from presenters.slack.answerer import Answerer
from presenters.slack.config_check import SlackConfigError, check_settings
from presenters.slack.interactions import register_interactions
from presenters.slack.listeners import register
from presenters.slack.web import api_error_code, build_client

log = structlog.get_logger("presenters.slack")
EVENTS_PATH = "/slack/events"
REJECTED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                  "token_expired"}


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
        register_interactions(self.app, bot, self.answerer)
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        """Check the bot token, then connect (Socket Mode) or listen (HTTP mode).

        Raises :class:`SlackConfigError` when Slack rejects the bot token.
        """
        await self.check_token()
        if self.settings.mode == "socket":
            token = self.settings.app_token.get_secret_value()  # type: ignore[union-attr]
            self._socket = AsyncSocketModeHandler(
                self.app, token, ping_interval=self.settings.ping_interval_s)
            await self._socket.connect_async()
            log.info("slack_connected", mode="socket")
        else:
            await self._listen()

    async def check_token(self) -> None:
        """Ask Slack who the bot is (auth.test); :class:`SlackConfigError` when it refuses."""
        try:
            identity = await self.client.auth_test()
        except SlackApiError as exc:
            code = api_error_code(exc)
            if code not in REJECTED_TOKEN:
                raise
            raise SlackConfigError(
                f"Slack rejected slack.bot_token ({code}). Fix: copy the Bot User OAuth Token "
                "(xoxb-…) again from OAuth & Permissions, and reinstall the app if it was "
                "revoked") from exc
        self.answerer.bot_user = str(identity.get("user_id") or "")
        log.info("slack_identity", team=identity.get("team_id"), bot_user=identity.get("user_id"))

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
