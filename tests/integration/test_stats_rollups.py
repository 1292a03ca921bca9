"""``bot stats`` from the rollups says what the raw rows say: on a random history written
through a real store (SQLite and PostgreSQL), for windows that start and end anywhere
(midnights, month starts, a microsecond off), in every grouping; and a store upgraded from
before the rollups gets rollups that say the same."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from apps.cli.main import main
from contracts.store import AssistantTurn
from contracts.usage_report import STATS_GROUPS, UsageReport
from stores.analytics import raw_usage_report, usage_report
from stores.rollup_backfill import TABLES
from stores.schema import ROLLUP_STEP
from stores.usage_days import DAY_S, plan_window
from tests.fakes.usage_history import DAYS, START, Clock, edge_times, play
from tests.integration.store_fixtures import STORES

GROUPINGS = [None, *STATS_GROUPS]


class Place:
    """Where a test's store lives: opened with a clock the test sets, or written to raw."""

    def __init__(self, kind: str, where: str) -> None:
        self.kind, self.where = kind, where
        self.opened: list[Any] = []

    @property
    def url(self) -> str:
        return f"sqlite:///{self.where}" if self.kind == "sqlite" else self.where

    def open(self, clock: Clock) -> Any:
        if self.kind == "sqlite":
            from stores.sqlite import SQLiteStore

            store: Any = SQLiteStore(Path(self.where), clock=clock)
        else:
            from stores.postgres import PostgresStore

            store = PostgresStore(self.where, clock=clock)
        self.opened.append(store)
        return store

    def execute(self, *statements: str) -> None:
        """Run SQL outside the store, as a database from an older release would be."""
        if self.kind == "sqlite":
            with closing(sqlite3.connect(self.where)) as conn:
                for sql in statements:
                    conn.execute(sql)
                conn.commit()
            return
        import psycopg

        with psycopg.connect(self.where, autocommit=True) as pg, pg.transaction():
            for sql in statements:
                pg.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(params=STORES)
def place(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Place]:
    if request.param == "sqlite":
        found = Place("sqlite", str(data_dir / "store.sqlite3"))
    else:
        found = Place("postgresql", request.getfixturevalue("postgres_url"))
    yield found
    for store in found.opened:
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


def assert_rollups_match_raw(store: Any, seed: int) -> None:
    """Every window and grouping: the report from the rollups equals the one from the rows."""
    spans = windows(seed)
    assert any(plan_window(lo or 0.0, hi or 2e9).months for lo, hi in spans)  # months read
    now = time.time() + 1  # the default end of a window, fixed for both reports
    for since, until in spans:
        until = now if until is None else until
        for by in GROUPINGS:
            rolled = usage_report(store, since, by, until)  # type: ignore[arg-type]
            raw = raw_usage_report(store, since, by, until)  # type: ignore[arg-type]
            same(rolled, raw)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rollups_give_the_report_the_raw_rows_give(place: Place, seed: int) -> None:
    clock = Clock()
    store = place.open(clock)
    play(store, clock, seed)
    assert_rollups_match_raw(store, seed)
    everything = usage_report(store, None)
    assert everything.total.turns == 120 and everything.total.rated_up > 0
    assert everything.top_sources and everything.unanswered


def test_upgrading_a_store_fills_the_rollups_from_its_rows(place: Place) -> None:
    clock = Clock()
    play(place.open(clock), clock, seed=3)
    place.opened.pop().close()
    place.execute(*(f"DROP TABLE {t}" for t in TABLES),  # as before the rollups' step
                  f"DELETE FROM schema_version WHERE version >= {ROLLUP_STEP}")
    store = place.open(clock)  # the step runs: tables, then the backfill
    assert store.fetch("SELECT COUNT(*) FROM usage_rollup")[0][0] > 0
    assert_rollups_match_raw(store, seed=3)
    assert usage_report(store, None).total.turns == 120


def test_bot_stats_rebuild_refills_rollups_that_an_older_release_left_short(
    place: Place, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = Clock()
    store = place.open(clock)
    play(store, clock, seed=4)
    # answers an older release stored without counting them: months and sources missing
    place.execute("DELETE FROM usage_rollup WHERE span = 'm'", "DELETE FROM usage_sources")
    assert usage_report(store, None).total.turns < 120
    monkeypatch.setenv("BOT_STORE__URL", place.url)
    args = ["--data-dir", str(data_dir), "stats", "--rebuild", "--since", "all", "--json"]
    assert main(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["total"]["turns"] == 120
    assert shown["top_sources"] == raw_usage_report(store, None).model_dump()["top_sources"]
    assert_rollups_match_raw(store, seed=4)


def test_answers_stored_at_once_by_several_connections_are_all_counted(place: Place) -> None:
    """Two store objects (two connections, as two processes) answering and rating at once:
    each rollup row is read, merged and written back under the lock, so none is lost."""
    clock = Clock(START + 3600)
    stores = [place.open(clock) for _ in range(2)]

    def answer(n: int) -> None:
        store, key = stores[n % 2], f"slack:T1:C{n % 3}:1700000000.{n % 5:06d}"
        store.add_user_turn(key, "Where are the logs?", user=f"u{n % 4}")
        turn = store.add_assistant_turn(key, AssistantTurn(
            text="In /var/log.", user=f"u{n % 4}", model="m", latency_s=0.5 + n / 100,
            ttft_s=0.1 + n / 1000, input_tokens=n, output_tokens=1))
        store.add_feedback(turn, 1 if n % 3 else -1)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(answer, range(80)))
    clock.now = START + 3 * DAY_S  # the answers' day is now whole: read from the rollups
    for by in GROUPINGS:
        rolled = usage_report(stores[0], START, by, START + 2 * DAY_S)  # type: ignore[arg-type]
        same(rolled, raw_usage_report(stores[0], START, by, START + 2 * DAY_S))  # type: ignore[arg-type]
    assert sum(n for _, n in usage_report(stores[0], START, None, START + DAY_S)
               .latency_histogram) == 80
