"""``bot stats`` on a store of 1,000,000 turns: raw turns vs usage rollups, SQLite and
PostgreSQL side by side.

A generated store: 500,000 questions and 500,000 answers over 180 days, 1,000 users, Slack
channels, Gradio and terminal sessions, three models, about 2 sources cited per answer, 5%
searches that found nothing, 2% failed answers, 6% of answers rated. Rows are written in
bulk (not through the store's one-transaction-per-turn path) at the schema of the release
before usage analytics; the analytics step and then the rollups step are applied and timed
as an upgrade applies them. Each report is the whole of ``bot stats`` (every query it
runs), timed per window and grouping: the baseline reads every answer of the window from
the turns table (``raw_usage_report``, as before the rollups), the new path reads whole days
and months from the rollups and only the partial first and last day from the turns
(``usage_report``); the two alternate, median of 3 (of 1 where a report takes over 2 s).
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.stats_store import ANSWERS, fill_postgres, fill_sqlite
from stores import open_store
from stores.analytics import raw_usage_report, usage_report
from stores.migrations import POSTGRES, SQLITE, migrate
from stores.schema import ROLLUP_STEP, STEPS
from tests.fakes.postgres import drop_schema, new_schema, server_url, with_schema

WINDOWS = {"1 day": 1, "7 days (default)": 7, "30 days": 30, "all 180 days": None}
GROUPINGS = [None, "user", "day"]
ROUNDS = 3
SLOW_S = 2.0
BEFORE_ROLLUPS = STEPS[:ROLLUP_STEP - 1]
Report = Callable[..., Any]
Times = dict[tuple[str, str | None], tuple[float, float]]  # (raw s, rollups s)


def timed(report: Report, store: Any, since: float | None, by: str | None, now: float) -> float:
    runs: list[float] = []
    while len(runs) < ROUNDS and not (runs and runs[0] > SLOW_S):
        started = time.perf_counter()
        report(store, since, by, until=now)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def measure(store: Any, now: float) -> Times:
    usage_report(store, now - 86400, None, until=now)  # warm the cache once
    times: Times = {}
    for window, days in WINDOWS.items():
        since = None if days is None else now - days * 86400
        for by in GROUPINGS:
            raw = timed(raw_usage_report, store, since, by, now)
            times[(window, by)] = (raw, timed(usage_report, store, since, by, now))
    return times


def upgrade(store: Any, to_analytics: Callable[[], None]) -> tuple[float, float]:
    """Seconds for the analytics step, then for the rollups step (opening the store)."""
    started = time.perf_counter()
    to_analytics()
    analytics = time.perf_counter() - started
    started = time.perf_counter()
    store.keys()
    return analytics, time.perf_counter() - started


def sqlite_to_analytics(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn.cursor(), SQLITE, BEFORE_ROLLUPS)
    conn.commit()
    conn.close()


def postgres_to_analytics(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        migrate(conn.cursor(), POSTGRES, BEFORE_ROLLUPS)


def vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def run_sqlite(tmp: Path, now: float) -> tuple[Times, dict[str, float]]:
    path = tmp / "stats.sqlite3"
    facts = {"filled": fill_sqlite(path, now)}
    store = open_store(f"sqlite:///{path}", tmp)
    try:
        facts["analytics"], facts["rollups"] = upgrade(store, lambda: sqlite_to_analytics(path))
        facts["size_mb"] = path.stat().st_size / 1e6
        return measure(store, now), facts
    finally:
        store.close()


def run_postgres(tmp: Path, now: float) -> tuple[Times, dict[str, float]]:
    base = server_url()
    schema = new_schema(base)
    url = with_schema(base, schema)
    try:
        facts = {"filled": fill_postgres(url, now)}
        store = open_store(url, tmp)
        try:
            facts["analytics"], facts["rollups"] = upgrade(
                store, lambda: postgres_to_analytics(url))
            vacuum(url)
            return measure(store, now), facts
        finally:
            store.close()
    finally:
        drop_schema(base, schema)


def run() -> str:
    now = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        sq, sq_facts = run_sqlite(Path(tmp), now)
        pg, pg_facts = run_postgres(Path(tmp), now)
    return render(sq, pg, sq_facts, pg_facts)


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:,.0f} ms" if seconds >= 0.01 else f"{1000 * seconds:.1f} ms"


def render(sq: Times, pg: Times, sq_facts: dict[str, float], pg_facts: dict[str, float]) -> str:
    rows = []
    for (window, by), (s_raw, s_roll) in sq.items():
        p_raw, p_roll = pg[(window, by)]
        rows.append(f"| {window} | {by or '—'} | {_ms(s_raw)} | {_ms(s_roll)} | "
                    f"{s_raw / s_roll:,.1f}× | {_ms(p_raw)} | {_ms(p_roll)} | "
                    f"{p_raw / p_roll:,.1f}× |")
    return "\n".join([
        f"## Usage analytics: `bot stats` on {2 * ANSWERS:,} turns, raw turns vs rollups",
        "",
        f"A generated store of {2 * ANSWERS:,} turns ({ANSWERS:,} questions and {ANSWERS:,} "
        f"answers over 180 days; SQLite file {sq_facts['size_mb']:,.0f} MB), written in bulk "
        "as a store from before usage analytics, then upgraded: the analytics step (cited "
        "sources, who asked, the indexes) took "
        f"{sq_facts['analytics']:.0f} s on SQLite and {pg_facts['analytics']:.0f} s on "
        "PostgreSQL; the usage-rollups step (tables and backfill of every stored answer) "
        f"{sq_facts['rollups']:.0f} s and {pg_facts['rollups']:.0f} s. Each figure is the "
        "whole report (summary, latency and first-token histograms, ratings, top sources, "
        "questions with no passage) ending now. **raw**: every answer of the window read "
        "from the turns table through the analytics indexes, as `bot stats` did before the "
        "rollups; **rollups**: whole days and months from the rollups, the partial first and "
        "last day from the turns. Both give the same report "
        "(`tests/integration/test_stats_rollups.py`). Median of "
        f"{ROUNDS} after one warm-up (one run where a report took over {SLOW_S:.0f} s); "
        "PostgreSQL on loopback (throwaway server, `VACUUM ANALYZE` after loading).",
        "",
        "| window | --by | SQLite raw | SQLite rollups | speed-up | PostgreSQL raw "
        "| PostgreSQL rollups | speed-up |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "A report now reads at most two partial days of answers plus a few rows per group "
        "and period, so long windows cost about what a day costs; the time left is the "
        "partial days (today, up to now) and, for `--by user`, one row per user and period.",
    ])
