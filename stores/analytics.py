"""Usage analytics read back from the store: the report behind ``bot stats``.

A window is read in slices (``usage_days.plan_window``): whole days and whole months from
the rollups that the store keeps as it stores each answer (``rollup_schema``), and only the
partial first and last day from the turns table (``analytics_raw``). So a report reads at
most two days of answers plus a few rows per group and period, whatever the window: the
same figures as reading every answer, in a fraction of the time (docs/benchmarks.md).
Percentiles come from 10 ms histograms (``histogram``).

A viewer who may not read everything passes ``visible`` (a source name -> may they see it):
the most cited sources are then the most cited of those they may see, as many as ``top``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from contracts.usage_report import Counted, StatsGroup, UsageReport, UsageRow
from stores import analytics_rollup as rollup
from stores.analytics_raw import RawQueries
from stores.histogram import BUCKETS_PER_S, Histogram
from stores.usage_days import Range, WindowPlan, day_name, plan_window


class Readable(Protocol):
    """A store that answers read-only SQL: both :class:`SQLiteStore` and :class:`PostgresStore`."""

    dialect: str

    def fetch(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]: ...


class Group:
    """One group's figures as its slices are read: sums, and latency histograms."""

    def __init__(self, name: str) -> None:
        self.row = UsageRow(name=name)
        self.latency, self.ttft = Histogram(), Histogram()

    def add(self, turns: int, tin: int, tout: int, cost: float, errors: int) -> None:
        r = self.row
        r.turns += turns
        r.input_tokens += tin
        r.output_tokens += tout
        r.cost_usd += cost
        r.errors += errors

    def rate(self, up: int, down: int) -> None:
        self.row.rated_up += up
        self.row.rated_down += down

    def finish(self) -> UsageRow:
        r = self.row
        r.latency_p50_s, r.latency_p95_s = self.latency.percentile(0.5), \
            self.latency.percentile(0.95)
        r.ttft_p50_s, r.ttft_p95_s = self.ttft.percentile(0.5), self.ttft.percentile(0.95)
        return r


class Tally:
    """The groups of one report, and the histograms of all its answers together."""

    def __init__(self) -> None:
        self.groups: dict[str, Group] = {}
        self.total = Group("all")

    def group(self, name: str) -> Group:
        found = self.groups.get(name)
        if found is None:
            found = self.groups[name] = Group(name)
        return found


Visible = Callable[[str], bool]


def usage_report(store: Readable, since: float | None, by: StatsGroup | None = None,
                 until: float | None = None, top: int = 10,
                 visible: Visible | None = None) -> UsageReport:
    """Answers created in ``[since, until)`` (default: all of them, up to now); the cited
    sources only those ``visible`` allows (None: every one)."""
    until = time.time() + 1 if until is None else until
    start = 0.0 if since is None else since
    plan = plan_window(start, until, months=by != "day")
    return _report(store, plan, since, until, by, top, visible)


def raw_usage_report(store: Readable, since: float | None, by: StatsGroup | None = None,
                     until: float | None = None, top: int = 10) -> UsageReport:
    """The same report read from every answer in the window, without the rollups: the
    reference they are tested against, and the benchmark's baseline."""
    until = time.time() + 1 if until is None else until
    start = 0.0 if since is None else since
    plan = WindowPlan(raw=[(start, until)] if start < until else [])
    return _report(store, plan, since, until, by, top)


def _report(store: Readable, plan: WindowPlan, since: float | None, until: float,
            by: StatsGroup | None, top: int, visible: Visible | None = None) -> UsageReport:
    tally = Tally()
    queries = RawQueries(store.dialect, by)
    for window in plan.raw:
        _read_raw(store, queries, window, tally)
    _read_rollups(store, plan, by, tally)
    rows = [g.finish() for g in tally.groups.values()]
    total = _total(rows, tally.total)
    return UsageReport(
        since=since, until=until, by=by, total=total,
        groups=sorted(rows, key=lambda r: r.name) if by else [],
        top_sources=_top_sources(store, plan, top, visible),
        unanswered=_counted(store, rollup.unanswered(plan, top)),
        latency_histogram=sorted((b / BUCKETS_PER_S, n)
                                 for b, n in tally.total.latency.merged().items()),
    )


def _read_raw(store: Readable, q: RawQueries, window: Range, tally: Tally) -> None:
    """One slice read from the turns table."""
    seen = set()
    for name, n, tin, tout, cost, errors in store.fetch(q.summary(), window):
        seen.add(str(name))
        tally.group(str(name)).add(int(n), int(tin or 0), int(tout or 0), float(cost or 0),
                                   int(errors or 0))
    for column, pick in (("latency_s", _latency), ("ttft_s", _ttft)):
        rows = store.fetch(q.histogram(column), window)
        for name, bucket, n in rows:
            pick(tally.group(str(name))).add_counts([(int(bucket), int(n))])
        pick(tally.total).add_counts((int(b), int(n)) for _, b, n in rows)
    for name, up, down in store.fetch(q.feedback(), window):
        if str(name) in seen:  # an answer stored between the two queries is left out
            tally.group(str(name)).rate(int(up), int(down))


def _latency(group: Group) -> Histogram:
    return group.latency


def _ttft(group: Group) -> Histogram:
    return group.ttft


def _read_rollups(store: Readable, plan: WindowPlan, by: StatsGroup | None,
                  tally: Tally) -> None:
    """The whole days and months: the groups' rows, and the ``all`` rows for the total."""
    dims = ["all"] if by is None or by == "day" else ["all", by]
    query = rollup.rollup_rows(plan, dims)
    if query is None:
        return
    for dim, day, value, *sums, latency, ttft in store.fetch(*query):
        if dim == "all":
            tally.total.latency.add_blob(latency)
            tally.total.ttft.add_blob(ttft)
        if dim == "all" and by is not None and by != "day":
            continue
        name = day_name(int(day)) if by == "day" else str(value)
        group = tally.group(name)
        turns, tin, tout, cost, errors, up, down = sums
        group.add(int(turns), int(tin), int(tout), float(cost), int(errors))
        group.rate(int(up), int(down))
        group.latency.add_blob(latency)
        group.ttft.add_blob(ttft)


def _total(rows: list[UsageRow], merged: Group) -> UsageRow:
    """All groups together (``merged`` already holds every answer's latencies)."""
    for r in rows:
        merged.add(r.turns, r.input_tokens, r.output_tokens, r.cost_usd, r.errors)
        merged.rate(r.rated_up, r.rated_down)
    return merged.finish()


def _top_sources(store: Readable, plan: WindowPlan, top: int,
                 visible: Visible | None) -> list[Counted]:
    """The ``top`` most cited sources the viewer may see: read four times as many as
    wanted until enough are visible or every cited source has been read."""
    if visible is None:
        return _counted(store, rollup.top_sources(plan, top))
    limit = max(top, 1) * 4
    while True:
        read = _counted(store, rollup.top_sources(plan, limit))
        shown = [c for c in read if visible(c.name)]
        if len(shown) >= top or len(read) < limit:
            return shown[:top]
        limit *= 4


def _counted(store: Readable, query: rollup.Query | None) -> list[Counted]:
    if query is None:
        return []
    return [Counted(name=str(name), count=int(n), last_at=float(at) if at is not None else None)
            for name, n, at in store.fetch(*query)]
