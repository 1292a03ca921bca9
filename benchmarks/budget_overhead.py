"""What budgets add to a turn: ``Session.send`` with no caps vs with user, space and global
caps (reserve before the model, settle after), on SQLite and PostgreSQL, side by side.

The model is the scripted backend (no latency), so the turn is nothing but our own work:
the figures are the upper bound of the overhead's share. Caps are high enough never to
refuse. Runs alternate between the two bots on the same store, one user, one place.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from backends.scripted import ScriptedLLM
from bot.app import Bot
from bot.logging import configure_logging
from config import load_settings
from contracts.events import TextDelta
from tests.fakes.postgres import drop_schema, new_schema, server_url, with_schema

RUNS = 60
WARMUP = 5
CAPS = {"tokens_per_day": "1000M", "cost_per_month": "$1000000", "requests": "100000/minute"}
BUDGETS = {"user": CAPS, "space": CAPS, "global": CAPS}


def make_bot(url: str, data_dir: Path, budgets: dict[str, Any]) -> Bot:
    settings = load_settings(data_dir=data_dir, tools=[], agent="tools", store={"url": url},
                             budgets=budgets)
    return Bot.from_settings(settings, llms={"primary": ScriptedLLM(default="An answer.")})


async def one_turn(bot: Bot, n: int) -> float:
    started = time.perf_counter()
    session = bot.session(f"bench:{n % 8}")
    events = [e async for e in session.send("A question?", user="U1", space="slack:C1")]
    assert any(isinstance(e, TextDelta) for e in events)
    return time.perf_counter() - started


async def measure(url: str, data_dir: Path) -> tuple[float, float]:
    off, on = make_bot(url, data_dir, {}), make_bot(url, data_dir, BUDGETS)
    times: dict[str, list[float]] = {"off": [], "on": []}
    try:
        for n in range(WARMUP + RUNS):
            for name, bot in (("off", off), ("on", on)):
                took = await one_turn(bot, n)
                if n >= WARMUP:
                    times[name].append(took)
    finally:
        await off.aclose()
        await on.aclose()
    return statistics.median(times["off"]), statistics.median(times["on"])


def run() -> str:
    configure_logging("warning")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = asyncio.run(measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp)))
    base = server_url()
    schema = new_schema(base)
    try:
        postgres = asyncio.run(measure(with_schema(base, schema), Path()))
    finally:
        drop_schema(base, schema)
    for name, (off, on) in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        rows.append(f"| {name} | {off * 1000:.1f} ms | {on * 1000:.1f} ms | "
                    f"+{(on - off) * 1000:.1f} ms | {on / off:.2f}× |")
    return "\n".join([
        "## Budgets: a turn with caps vs without",
        "",
        "`Session.send` with an instant scripted model, no caps vs user, space and global "
        "caps (tokens a day, dollars a month, requests a minute: reserve before the model, "
        f"settle after); median of {RUNS} alternating turns after {WARMUP} warm-ups, 8 "
        "conversations, both bots on one store. PostgreSQL on loopback (fsync off). With a real "
        "model a turn takes seconds, so the difference is what matters, not the ratio.",
        "",
        "| store | no caps | with caps | difference | ratio |",
        "|---|---|---|---|---|",
        *rows,
    ])
