"""The terminal presenter: ``bot chat`` (a REPL) and ``bot ask`` (one question)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Bot


def start(bot: Bot) -> int:
    """``bot serve``'s entry point (config/presenters.py's rule); imports the presenter now."""
    from presenters.terminal.chat import serve as run

    return run(bot)
