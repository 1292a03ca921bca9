"""The ``bot stats`` queries on the usage rollups (schema step ``ROLLUP_STEP``), for the
whole days and months of a window; the top-sources and unanswered-questions queries add the
raw slices to them inside the database, so their order (ties included) is the database's,
as before.
"""

from __future__ import annotations

from stores.analytics_raw import NO_PASSAGE_QUESTIONS
from stores.usage_days import WindowPlan

ROWS = ("SELECT dim, day, value, turns, input_tokens, output_tokens, cost_usd, errors, "
        "rated_up, rated_down, latency, ttft FROM usage_rollup "
        "WHERE dim = ? AND span = ? AND day >= ? AND day < ?")
COUNTED = ("SELECT {name} AS name, n, last_at AS at FROM usage_{table} "
           "WHERE span = ? AND day >= ? AND day < ?")
RAW_SOURCES = ("SELECT source AS name, 1 AS n, created_at AS at FROM turn_sources "
               "WHERE created_at >= ? AND created_at < ?")

Query = tuple[str, tuple[object, ...]]


def periods(plan: WindowPlan) -> list[tuple[str, int, int]]:
    """(span, first, end) of each run of whole days and whole months."""
    return [("d", lo, hi) for lo, hi in plan.days] + [("m", lo, hi) for lo, hi in plan.months]


def rollup_rows(plan: WindowPlan, dims: list[str]) -> Query | None:
    """The rollup rows of ``dims`` over the plan's whole days and months."""
    parts = [(dim, *p) for dim in dims for p in periods(plan)]
    if not parts:
        return None
    return " UNION ALL ".join([ROWS] * len(parts)), tuple(v for p in parts for v in p)


def top_sources(plan: WindowPlan, top: int) -> Query | None:
    """The most cited sources: rollup counts plus the raw slices' ``turn_sources`` rows."""
    parts, params = _counted(plan, "sources", "source")
    for raw in plan.raw:
        parts.append(RAW_SOURCES)
        params.extend(raw)
    if not parts:
        return None
    sql = (f"SELECT name, SUM(n), MAX(at) FROM ({' UNION ALL '.join(parts)}) s "
           "GROUP BY name ORDER BY SUM(n) DESC, name LIMIT ?")
    return sql, (*params, top)


def unanswered(plan: WindowPlan, top: int) -> Query | None:
    """Questions whose search found no passage, most asked (then latest asked) first."""
    parts, params = _counted(plan, "unanswered", "question")
    raw_params = [v for raw in plan.raw for v in raw]
    prefix = ""
    if plan.raw:  # each raw answer's question is looked up once, not again per clause
        prefix = ("WITH x AS MATERIALIZED ("
                  f"{' UNION ALL '.join([NO_PASSAGE_QUESTIONS] * len(plan.raw))}) ")
        parts.append("SELECT q AS name, 1 AS n, at FROM x WHERE q IS NOT NULL")
    if not parts:
        return None
    sql = (f"{prefix}SELECT name, SUM(n), MAX(at) FROM ({' UNION ALL '.join(parts)}) u "
           "GROUP BY name ORDER BY SUM(n) DESC, MAX(at) DESC, name LIMIT ?")
    return sql, (*raw_params, *params, top)


def _counted(plan: WindowPlan, table: str, name: str) -> tuple[list[str], list[object]]:
    sql = COUNTED.format(name=name, table=table)
    spans = periods(plan)
    return [sql] * len(spans), [v for p in spans for v in p]
