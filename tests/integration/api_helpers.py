"""The API presenter served for real: uvicorn on 127.0.0.1 (a free port) in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from bot.app import Bot
from config import Settings
from config.sections import ApiSettings

KEY = "sk-test-alice-0123456789"
OTHER_KEY = "sk-test-bob-0123456789ab"


def api_settings(settings: Settings, **api: Any) -> Settings:
    """``settings`` with two API keys (alice, bob) and any other ``api`` fields."""
    fields = {"keys": {"alice": KEY, "bob": OTHER_KEY}, **api}
    return settings.model_copy(update={"api": ApiSettings(**fields)})


@contextmanager
def serving(bot: Bot) -> Iterator[str]:
    """Yields the base URL (``http://127.0.0.1:PORT/v1``); the Bot is closed on the way out."""
    from presenters.api.app import build_app

    config = uvicorn.Config(build_app(bot, close_bot=True), host="127.0.0.1", port=0,
                            log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="api-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(30)
