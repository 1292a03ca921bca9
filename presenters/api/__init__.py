"""The OpenAI-compatible HTTP API (``bot serve api``): chat completions over the Session.

``presenters.api.app:create_app`` builds the ASGI app from settings (uvicorn's ``--factory``
and Ray Serve use it); see docs/api.md for the endpoints and the conversation rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from bot.app import Bot
    from config import Settings


def start(bot: Bot) -> int:
    """``bot serve``'s entry point (config/presenters.py's rule); imports the presenter now."""
    from presenters.api.serve import serve as run

    return run(bot)


def asgi_app(settings: Settings) -> Starlette:
    """The ASGI app Ray Serve replicas run (config/presenters.py's rule)."""
    from presenters.api.app import create_app as build

    return build(settings)
