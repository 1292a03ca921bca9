"""``bot stats`` from the rollups says what the raw rows say: on a random history written
through a real store (SQLite and PostgreSQL), for windows that start and end anywhere
(midnights, month starts, a microsecond off), in every grouping."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.contracts.usage_report import STATS_GROUPS, UsageReport
from bot.store.analytics import raw_usage_report, usage_report
from bot.store.usage_days import DAY_S, plan_window
from tests.fakes.usage_history import DAYS, START, Clock, edge_times, play
from tests.integration.store_fixtures import STORES

GROUPINGS = [None, *STATS_GROUPS]


@pytest.fixture(params=STORES)
def clocked(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[tuple[Any, Clock]]:
    """A store whose clock the test sets, and that clock."""
    clock = Clock()
    if request.param == "sqlite":
        from bot.store.sqlite import SQLiteStore

        store: Any = SQLiteStore(data_dir / "store.sqlite3", clock=clock)
    else:
        from bot.store.postgres import PostgresStore

        store = PostgresStore(request.getfixturevalue("postgres_url"), clock=clock)
    yield store, clock
    store.close()


def same(rolled: UsageReport, raw: UsageReport) -> None:
    """Equal reports; costs are sums of floats added in another order, so nearly equal."""
    a, b = rolled.model_dump(), raw.model_dump()
    for rows in (a, b):
        for row in [rows["total"], *rows["groups"]]:
            row["cost_usd"] = pytest.approx(row["cost_usd"], rel=1e-9, abs=1e-12)
    assert a == b


def windows(seed: int) -> list[tuple[float | None, float | None]]:
    """(since, until) pairs: the whole history, random spans, and spans on the edges."""
    rng = random.Random(seed)
    edges = edge_times(rng)
    points = edges + [START + rng.random() * DAYS * DAY_S for _ in range(10)]
    pairs: list[tuple[float | None, float | None]] = [(None, None), (START + DAY_S, None)]
    for _ in range(14):
        lo, hi = sorted(rng.sample(points, 2))
        pairs.append((lo, hi))
    return pairs


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rollups_give_the_report_the_raw_rows_give(clocked, seed: int) -> None:  # type: ignore[no-untyped-def]
    store, clock = clocked
    play(store, clock, seed)
    spans = windows(seed)
    assert any(plan_window(lo or 0.0, hi or 2e9).months for lo, hi in spans)  # months read
    now = time.time() + 1  # the default end of a window, fixed for both reports
    for since, until in spans:
        until = now if until is None else until
        for by in GROUPINGS:
            rolled = usage_report(store, since, by, until)  # type: ignore[arg-type]
            raw = raw_usage_report(store, since, by, until)  # type: ignore[arg-type]
            same(rolled, raw)
    everything = usage_report(store, None)
    assert everything.total.turns == 120 and everything.total.rated_up > 0
    assert everything.top_sources and everything.unanswered
