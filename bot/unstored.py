"""A Session that keeps nothing (the Responses API's ``store: false``).

The turn runs through the same agent, tools, models and budgets as any other, but its
conversation lives in an in-memory SQLite store that is dropped when the turn ends: no
question, answer or source reaches the bot's store. Budgets still count it (they live in
the bot's store), so ``store: false`` is no way around a cap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import Bot
from bot.session import Session
from bot.turn import TurnRunner
from stores.sqlite import SQLiteStore

IN_MEMORY = Path(":memory:")


def runner_over(bot: Bot, store: SQLiteStore) -> TurnRunner:
    """The bot's turn runner with ``store`` for the conversation (budgets stay the bot's)."""
    shared = bot.turns
    return TurnRunner(settings=shared.settings, store=store, models=shared.models,
                      agent=shared.agent, tools=shared.tools, prompts=shared.prompts,
                      spaces=shared.spaces, budgets=shared.budgets, tracer=shared.tracer)


@asynccontextmanager
async def unstored_session(bot: Bot, key: str) -> AsyncIterator[Session]:
    """A headless session for ``key`` whose turns are forgotten on the way out."""
    store = SQLiteStore(IN_MEMORY)
    try:
        yield Session(key, store=store, turns=runner_over(bot, store), locks=bot.locks,
                      max_chars=bot.settings.input.max_chars, desk=bot.approvals,
                      headless=True)
    finally:
        store.close()
