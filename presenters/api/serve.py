"""``bot serve api``: check the settings, then run the app under uvicorn until Ctrl-C."""

from __future__ import annotations

import contextlib
import importlib.util
import sys

from bot.app import Bot

MISSING_EXTRA = "API support is not installed. Fix: pip install -e '.[api]' (starlette, uvicorn)"
NO_KEYS = ("api.keys is empty, so every request would be refused. Fix: add a key named after "
           "its holder, e.g. BOT_API__KEYS__ALICE=\"$(python -c 'import secrets; "
           "print(secrets.token_urlsafe(32))')\", or [api.keys] alice = \"...\" in bot.toml")


def serve(bot: Bot) -> int:
    """The presenter entry point; exit status 2 when the API cannot start."""
    if importlib.util.find_spec("uvicorn") is None or importlib.util.find_spec("starlette") is None:
        sys.stderr.write(f"{MISSING_EXTRA}\n")
        return 2
    if not bot.settings.api.keys:
        sys.stderr.write(f"Invalid configuration: {NO_KEYS}\n")
        return 2
    import uvicorn

    from presenters.api.app import build_app

    s = bot.settings.api
    config = uvicorn.Config(build_app(bot, close_bot=True), host=s.host, port=s.port,
                            log_config=None, access_log=False, lifespan="on")
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C after its shutdown
        uvicorn.Server(config).run()
    return 0
