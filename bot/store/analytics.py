"""Usage analytics read back from the store: the queries behind ``bot stats``.

Every query reads answers in a time window through the indexes in
``bot/store/analytics_schema.py``: the covering ``turns_stats`` index (never the turns'
text), ``turn_sources`` for the most cited sources, and the partial ``turns_no_passage``
index for questions where the search found nothing. Percentiles come from a histogram of
10 ms buckets counted by the database, so only a few thousand rows ever reach Python.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, Protocol

from bot.contracts.usage_report import Counted, StatsGroup, UsageReport, UsageRow
from bot.store.analytics_schema import NO_PASSAGE

BUCKETS_PER_S = 100
WINDOW = "role = 'assistant' AND created_at >= ? AND created_at < ?"
# Slack keys are slack:<team>:<channel>:<thread>; every other surface is one channel.
_SQLITE_PRESENTER = "substr({p}key, 1, instr({p}key, ':') - 1)"
_SQLITE_REST = "substr(substr({p}key, instr({p}key, ':') + 1), " \
    "instr(substr({p}key, instr({p}key, ':') + 1), ':') + 1)"  # "<channel>:<thread>"
GROUP_SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "user": "COALESCE({p}\"user\", '(unknown)')",
        "presenter": _SQLITE_PRESENTER,
        "channel": f"CASE WHEN {{p}}key LIKE 'slack:%' AND instr({_SQLITE_REST}, ':') > 0 "
                   f"THEN substr({{p}}key, 1, length({{p}}key) - length({_SQLITE_REST}) + "
                   f"instr({_SQLITE_REST}, ':') - 1) ELSE {_SQLITE_PRESENTER} END",
        "model": "COALESCE({p}model, '(none)')",
        "day": "date({p}created_at, 'unixepoch')",
    },
    "postgresql": {
        "user": "COALESCE({p}\"user\", '(unknown)')",
        "presenter": "split_part({p}key, ':', 1)",
        "channel": "CASE WHEN {p}key LIKE 'slack:%' THEN split_part({p}key, ':', 1) || ':' || "
                   "split_part({p}key, ':', 2) || ':' || split_part({p}key, ':', 3) "
                   "ELSE split_part({p}key, ':', 1) END",
        "model": "COALESCE({p}model, '(none)')",
        "day": "to_char(to_timestamp({p}created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    },
}


class Readable(Protocol):
    """A store that answers read-only SQL: both :class:`SQLiteStore` and :class:`PostgresStore`."""

    dialect: str

    def fetch(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]: ...


class UsageQueries:
    """The SQL of one report: a window and a grouping, in the store's dialect."""

    def __init__(self, dialect: str, by: StatsGroup | None) -> None:
        if by is not None and by not in GROUP_SQL["sqlite"]:
            raise ValueError(f"unknown grouping {by!r}")
        self.by = by
        self.group = GROUP_SQL[dialect][by] if by else "'all'"

    def summary(self) -> str:
        return (f"SELECT {self.group.format(p='')} AS grp, COUNT(*), SUM(input_tokens), "
                "SUM(output_tokens), SUM(cost_usd), "
                "SUM(CASE WHEN error_id IS NULL THEN 0 ELSE 1 END) "
                f"FROM turns WHERE {WINDOW}{self.grouped}")

    @property
    def grouped(self) -> str:
        """GROUP BY for a grouped report; none for totals (the database then need not sort)."""
        return "" if self.by is None else " GROUP BY grp"

    def histogram(self, column: str) -> str:
        return (f"SELECT {self.group.format(p='')} AS grp, "
                f"CAST({column} * {BUCKETS_PER_S} AS INTEGER) AS bucket, COUNT(*) "
                f"FROM turns WHERE {WINDOW} AND {column} IS NOT NULL GROUP BY "
                f"{'bucket' if self.by is None else 'grp, bucket'}")

    def feedback(self) -> str:
        return (f"SELECT {self.group.format(p='t.')} AS grp, "
                "COUNT(DISTINCT CASE WHEN f.score > 0 THEN f.turn_id END), "
                "COUNT(DISTINCT CASE WHEN f.score < 0 THEN f.turn_id END) "
                "FROM feedback f JOIN turns t ON t.id = f.turn_id "
                "WHERE f.created_at >= ? AND t.role = 'assistant' AND t.created_at >= ? "
                f"AND t.created_at < ?{self.grouped}")

    @staticmethod
    def top_sources() -> str:
        return ("SELECT source, COUNT(*), MAX(created_at) FROM turn_sources "
                "WHERE created_at >= ? AND created_at < ? "
                "GROUP BY source ORDER BY COUNT(*) DESC, source LIMIT ?")

    @staticmethod
    def unanswered() -> str:
        question = ("(SELECT substr(u.text, 1, 200) FROM turns u WHERE u.conversation_id = "
                    "turns.conversation_id AND u.role = 'user' AND u.id < turns.id "
                    "ORDER BY u.id DESC LIMIT 1)")
        # MATERIALIZED: each answer's question is looked up once, not again per clause.
        return (f"WITH x AS MATERIALIZED (SELECT {question} AS q, created_at AS at FROM turns "
                f"WHERE {NO_PASSAGE} AND created_at >= ? AND created_at < ?) "
                "SELECT q, COUNT(*), MAX(at) FROM x WHERE q IS NOT NULL GROUP BY q "
                "ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT ?")


def usage_report(store: Readable, since: float | None, by: StatsGroup | None = None,
                 until: float | None = None, top: int = 10) -> UsageReport:
    """Answers created in ``[since, until)`` (default: all of them, up to now)."""
    until = time.time() + 1 if until is None else until
    start = 0.0 if since is None else since
    q = UsageQueries(store.dialect, by)
    window = (start, until)
    rows: dict[str, UsageRow] = {}
    for name, n, tin, tout, cost, errors in store.fetch(q.summary(), window):
        rows[str(name)] = UsageRow(name=str(name), turns=int(n), input_tokens=int(tin or 0),
                                   output_tokens=int(tout or 0), cost_usd=float(cost or 0),
                                   errors=int(errors or 0))
    latency = _histograms(store.fetch(q.histogram("latency_s"), window))
    ttft = _histograms(store.fetch(q.histogram("ttft_s"), window))
    for name, up, down in store.fetch(q.feedback(), (start, *window)):
        if str(name) in rows:
            rows[str(name)].rated_up, rows[str(name)].rated_down = int(up), int(down)
    for name, row in rows.items():
        _percentiles(row, latency.get(name), ttft.get(name))
    total = _total(list(rows.values()), _merged(latency.values()), _merged(ttft.values()))
    return UsageReport(
        since=since, until=until, by=by, total=total,
        groups=sorted(rows.values(), key=lambda r: r.name) if by else [],
        top_sources=_counted(store.fetch(q.top_sources(), (*window, top))),
        unanswered=_counted(store.fetch(q.unanswered(), (*window, top))),
        latency_histogram=sorted((b / BUCKETS_PER_S, n) for b, n in _merged(latency.values())
                                 .items()),
    )


Histogram = Counter[int]


def _histograms(rows: list[tuple[Any, ...]]) -> dict[str, Histogram]:
    out: dict[str, Histogram] = defaultdict(Counter)
    for name, bucket, n in rows:
        out[str(name)][int(bucket)] += int(n)
    return out


def _merged(histograms: Iterable[Histogram]) -> Histogram:
    total: Histogram = Counter()
    for h in histograms:
        total.update(h)
    return total


def percentile(histogram: Histogram | None, q: float) -> float | None:
    """The nearest-rank ``q`` quantile of a bucket histogram, in seconds."""
    if not histogram:
        return None
    rank = max(1, math.ceil(q * sum(histogram.values())))
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return (bucket + 1) / BUCKETS_PER_S  # the bucket's upper edge: never understated
    return (max(histogram) + 1) / BUCKETS_PER_S


def _percentiles(row: UsageRow, latency: Histogram | None, ttft: Histogram | None) -> None:
    row.latency_p50_s, row.latency_p95_s = percentile(latency, 0.5), percentile(latency, 0.95)
    row.ttft_p50_s, row.ttft_p95_s = percentile(ttft, 0.5), percentile(ttft, 0.95)


def _total(rows: list[UsageRow], latency: Histogram, ttft: Histogram) -> UsageRow:
    total = UsageRow(name="all")
    for r in rows:
        total.turns += r.turns
        total.input_tokens += r.input_tokens
        total.output_tokens += r.output_tokens
        total.cost_usd += r.cost_usd
        total.errors += r.errors
        total.rated_up += r.rated_up
        total.rated_down += r.rated_down
    _percentiles(total, latency, ttft)
    return total


def _counted(rows: list[tuple[Any, ...]]) -> list[Counted]:
    return [Counted(name=str(name), count=int(n), last_at=float(at) if at is not None else None)
            for name, n, at in rows]
