"""What a batch of answers adds to the rollups, gathered in memory and then written.

One answer (``rollup_write``) and a month of stored answers (``rollup_backfill``) go
through the same :class:`RollupDelta`, so the backfill counts exactly as the live path does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from stores import histogram
from stores.migrations import Dialect
from stores.usage_days import day_of, periods

Key = tuple[str, str, int, str]  # dim, span ('d' or 'm'), first day of the period, group


class AnswerFacts(Protocol):
    """What the rollups count of one answer (``rollup_write.AnswerFacts`` is one)."""

    @property
    def created_at(self) -> float: ...

    @property
    def input_tokens(self) -> int: ...

    @property
    def output_tokens(self) -> int: ...

    @property
    def cost_usd(self) -> float: ...

    @property
    def failed(self) -> bool: ...

    @property
    def latency_s(self) -> float | None: ...

    @property
    def ttft_s(self) -> float | None: ...

    @property
    def question(self) -> str | None: ...

    @property
    def rated_up(self) -> bool: ...

    @property
    def rated_down(self) -> bool: ...

    def rollup_keys(self) -> list[Key]: ...

CountedKey = tuple[str, int, str]  # span, first day, source or question

_COLUMNS = ("turns", "input_tokens", "output_tokens", "cost_usd", "errors", "rated_up",
            "rated_down")
UPSERT = (
    "INSERT INTO usage_rollup (dim, span, day, value, " + ", ".join(_COLUMNS) + ", latency, "
    "ttft) VALUES (" + ", ".join("?" * (len(_COLUMNS) + 6)) + ") "
    "ON CONFLICT (dim, span, day, value) DO UPDATE SET "
    + ", ".join(f"{c} = usage_rollup.{c} + excluded.{c}" for c in _COLUMNS)
    + ", latency = excluded.latency, ttft = excluded.ttft"
)
LOOKUP = "SELECT dim, span, day, value, latency, ttft FROM usage_rollup WHERE "
LOOKUP_ONE = "(dim = ? AND span = ? AND day = ? AND value = ?)"
COUNT = ("INSERT INTO usage_{table} (span, day, {name}, n, last_at) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (span, day, {name}) DO UPDATE SET n = usage_{table}.n + excluded.n, "
         "last_at = {greatest}(usage_{table}.last_at, excluded.last_at)")
GREATEST = {"sqlite": "max", "postgresql": "GREATEST"}
CHUNK = 200  # rows looked up per query


@dataclass
class RowDelta:
    """What one rollup row gains."""

    turns: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    errors: int = 0
    rated_up: int = 0
    rated_down: int = 0
    latency: Counter[int] = field(default_factory=Counter)
    ttft: Counter[int] = field(default_factory=Counter)

    def add(self, facts: AnswerFacts) -> None:
        self.turns += 1
        self.input_tokens += facts.input_tokens
        self.output_tokens += facts.output_tokens
        self.cost_usd += facts.cost_usd
        self.errors += facts.failed
        self.rated_up += facts.rated_up
        self.rated_down += facts.rated_down
        if facts.latency_s is not None:
            self.latency[histogram.bucket_of(facts.latency_s)] += 1
        if facts.ttft_s is not None:
            self.ttft[histogram.bucket_of(facts.ttft_s)] += 1

    def params(self, key: Key, stored: tuple[Any, Any]) -> tuple[Any, ...]:
        blobs = (histogram.add(stored[0], self.latency), histogram.add(stored[1], self.ttft))
        return (*key, *(getattr(self, c) for c in _COLUMNS), *blobs)


class RollupDelta:
    """Rollup rows, cited sources and unanswered questions, with what each gains."""

    def __init__(self) -> None:
        self.rows: dict[Key, RowDelta] = {}
        self.counted: dict[str, dict[CountedKey, list[float]]] = {"sources": {},
                                                                   "unanswered": {}}

    def add_answer(self, facts: AnswerFacts) -> None:
        for key in facts.rollup_keys():
            row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = RowDelta()
            row.add(facts)
        if facts.question is not None:
            for span, period in periods(day_of(facts.created_at)):
                self._count("unanswered", (span, period, facts.question), 1, facts.created_at)

    def add_source(self, day: int, source: str, n: int, last_at: float) -> None:
        for span, period in periods(day):
            self._count("sources", (span, period, source), n, last_at)

    def _count(self, table: str, key: CountedKey, n: int, at: float) -> None:
        seen = self.counted[table].setdefault(key, [0, at])
        seen[0] += n
        seen[1] = max(seen[1], at)

    def apply(self, cur: Any, dialect: Dialect, fresh: bool = False) -> None:
        """Write every row: counters added in SQL, histograms merged with the stored ones
        (``fresh``: none of the rows is stored yet, so there is nothing to look up)."""
        keys = sorted(self.rows)
        for chunk in _chunks(keys, CHUNK):
            stored = {} if fresh else _stored(cur, dialect, chunk)
            cur.executemany(dialect.params(UPSERT), [
                self.rows[k].params(k, stored.get(k, (None, None))) for k in chunk])
        for table, name in (("sources", "source"), ("unanswered", "question")):
            rows = [(*k, int(v[0]), v[1]) for k, v in sorted(self.counted[table].items())]
            if rows:
                sql = COUNT.format(table=table, name=name, greatest=GREATEST[dialect.name])
                cur.executemany(dialect.params(sql), rows)


def _stored(cur: Any, dialect: Dialect, keys: Sequence[Key]) -> dict[Key, tuple[Any, Any]]:
    """The histograms stored for ``keys`` (rows not there yet are left out)."""
    sql = LOOKUP + " OR ".join([LOOKUP_ONE] * len(keys))
    rows = cur.execute(dialect.params(sql), tuple(v for k in keys for v in k)).fetchall()
    return {(r[0], r[1], int(r[2]), r[3]): (r[4], r[5]) for r in rows}


def _chunks(keys: list[Key], size: int) -> Iterator[list[Key]]:
    for i in range(0, len(keys), size):
        yield keys[i:i + size]
