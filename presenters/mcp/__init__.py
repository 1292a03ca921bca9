"""``bot serve mcp``: the bot as an MCP server (stdio or streamable HTTP) exposing ``ask`` and
``search_knowledge``. See docs/mcp.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Bot


def start(bot: Bot) -> int:
    """``bot serve``'s entry point (config/presenters.py's rule); imports the presenter now."""
    from presenters.mcp.serve import serve as run

    return run(bot)
