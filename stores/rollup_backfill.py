"""Filling the usage rollups from the rows already stored: the last statement of the
rollups' schema step, and ``bot stats --rebuild`` for a store an older release wrote to.

A month at a time (its answers through the ``turns_stats`` index), so memory holds one
month of rollup rows; each month goes through the same :class:`RollupDelta` as a live answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stores.migrations import Dialect
from stores.rollup_delta import RollupDelta
from stores.rollup_write import AnswerFacts, facts_sql
from stores.usage_days import DAY_S, day_of, month_of, next_month
from stores.usage_dims import DAY_SQL

TABLES = ("usage_rollup", "usage_sources", "usage_unanswered")
SPAN = "SELECT MIN(created_at), MAX(created_at) FROM turns WHERE role = 'assistant'"
SOURCES = ("SELECT {day}, source, COUNT(*), MAX(created_at) FROM turn_sources "
           "WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2")
BATCH = 5000


def backfill(cur: Any, dialect: Dialect) -> None:
    """Add every stored answer, rating and cited source to the (empty) rollups."""
    first, last = cur.execute(SPAN).fetchone()
    if first is None:
        return
    if dialect.name == "postgresql":
        _plan_for_all_rows(cur)
    for month in _months(day_of(float(first)), day_of(float(last))):
        window = (month * DAY_S, next_month(month) * DAY_S)
        delta = RollupDelta()
        for row in _answers(cur, dialect, window):
            delta.add_answer(AnswerFacts.from_row(row))
        sources = dialect.params(SOURCES.format(day=DAY_SQL[dialect.name].format(p="")))
        for day, source, n, last_at in cur.execute(sources, window).fetchall():
            delta.add_source(int(day), str(source), int(n), float(last_at))
        delta.apply(cur, dialect, fresh=True)  # the months are apart: no row twice


def _plan_for_all_rows(cur: Any) -> None:
    """PostgreSQL plans a cursor for its first 10% of rows, and without statistics after a
    bulk load or the analytics step's rewrite of every answer: both picked plans that read
    the months' answers dozens of times slower than their plain query."""
    cur.execute("ANALYZE turns")
    cur.execute("ANALYZE feedback")
    cur.execute("SET LOCAL cursor_tuple_fraction = 1.0")


def rebuild(cur: Any, dialect: Dialect) -> None:
    """Empty the rollups and fill them again from the rows."""
    for table in TABLES:
        cur.execute(f"DELETE FROM {table}")
    backfill(cur, dialect)


def _months(first_day: int, last_day: int) -> Iterator[int]:
    month = month_of(first_day)
    while month <= last_day:
        yield month
        month = next_month(month)


def _answers(cur: Any, dialect: Dialect, window: tuple[float, float]) -> Iterator[Any]:
    """The month's answers, a batch at a time (PostgreSQL: through a server-side cursor)."""
    sql = dialect.params(facts_sql(dialect.name, "t.created_at >= ? AND t.created_at < ?"))
    if dialect.name == "postgresql":
        reader = cur.connection.cursor(name="rollup_backfill")
        reader.itersize = BATCH
    else:
        reader = cur.connection.cursor()
    try:
        reader.execute(sql, window)
        while batch := reader.fetchmany(BATCH):
            yield from batch
    finally:
        reader.close()
