"""The Slack presenter: ``bot serve slack`` (see docs/slack.md and manifest.yaml here).

``app.serve`` is the entry point; slack_bolt is imported only by ``presenter`` and the
modules it uses, so ``bot --help`` and a missing Slack extra never import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from bot.app import Bot
    from config import Settings


def start(bot: Bot) -> int:
    """``bot serve``'s entry point (config/presenters.py's rule); imports the presenter now."""
    from presenters.slack.app import serve as run

    return run(bot)


def asgi_app(settings: Settings) -> Starlette:
    """The ASGI app Ray Serve replicas run (config/presenters.py's rule)."""
    from presenters.slack.asgi import create_app as build

    return build(settings)
