"""Keeping the usage rollups: each answer and each first rating, in the transaction that
stores it, so the rollups never drift from the rows.

The caller holds the store's write lock (SQLite: the database's; PostgreSQL: the rollup
advisory lock), so reading a row's histograms and writing them back is safe. An answer's
groups are read back with the SQL the raw queries group by (``usage_dims``), so both
name it alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stores.migrations import Dialect
from stores.rollup_delta import Key, RollupDelta
from stores.usage_days import day_of, periods
from stores.usage_dims import BOT_ANSWER, GROUP_SQL, NO_PASSAGE, question_sql

_NAMED = ("user", "channel", "presenter", "model")


def facts_sql(dialect: str, where: str) -> str:
    """One row of :class:`AnswerFacts` per answer matching ``where`` (alias ``t``)."""
    names = ", ".join(GROUP_SQL[dialect][d].format(p="t.") for d in _NAMED)
    rated = "CASE WHEN EXISTS (SELECT 1 FROM feedback f WHERE f.turn_id = t.id AND f.score {} 0)" \
        " THEN 1 ELSE 0 END"
    return (f"SELECT t.created_at, {names}, t.input_tokens, t.output_tokens, t.cost_usd, "
            "CASE WHEN t.error_id IS NULL THEN 0 ELSE 1 END, t.latency_s, t.ttft_s, "
            f"CASE WHEN {NO_PASSAGE} THEN {question_sql('t')} END, "
            f"{rated.format('>')}, {rated.format('<')} "
            f"FROM turns t WHERE t.role = 'assistant' AND {BOT_ANSWER.format(p='t.')} "
            f"AND {where}")


@dataclass(frozen=True)
class AnswerFacts:
    """What the rollups count of one answer."""

    created_at: float
    names: dict[str, str]  # dimension -> the answer's group in it
    input_tokens: int
    output_tokens: int
    cost_usd: float
    failed: bool
    latency_s: float | None
    ttft_s: float | None
    question: str | None  # the question, when the search found no passage
    rated_up: bool
    rated_down: bool

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> AnswerFacts:
        names = {"all": "all", **{d: str(v) for d, v in zip(_NAMED, row[1:5], strict=True)}}
        return cls(float(row[0]), names, int(row[5] or 0), int(row[6] or 0),
                   float(row[7] or 0), bool(row[8]), row[9], row[10], row[11],
                   bool(row[12]), bool(row[13]))

    def rollup_keys(self) -> list[Key]:
        """The rollup rows the answer counts in: each dimension, its day and its month."""
        return [(dim, span, period, value) for span, period in periods(day_of(self.created_at))
                for dim, value in self.names.items()]


def _facts(cur: Any, dialect: Dialect, turn_id: int) -> AnswerFacts | None:
    row = cur.execute(dialect.params(facts_sql(dialect.name, "t.id = ?")), (turn_id,)).fetchone()
    return AnswerFacts.from_row(row) if row else None


def record_answer(cur: Any, dialect: Dialect, turn_id: int, sources: list[str]) -> None:
    """Count a just-stored answer and the sources it cited (its ``turn_sources`` rows)."""
    facts = _facts(cur, dialect, turn_id)
    if facts is None:
        return
    delta = RollupDelta()
    delta.add_answer(facts)
    for source in sources:
        delta.add_source(day_of(facts.created_at), source, 1, facts.created_at)
    delta.apply(cur, dialect)


RATED = {1: "rated_up", -1: "rated_down"}


def record_rating(cur: Any, dialect: Dialect, turn_id: int, score: int) -> None:
    """Count an answer as rated 👍 (or 👎) when this is its first rating of that sign. Call
    before the feedback row is stored."""
    if score == 0:
        return
    sign = 1 if score > 0 else -1
    earlier = f"SELECT 1 FROM feedback WHERE turn_id = ? AND score {'>' if sign > 0 else '<'} 0"
    if cur.execute(dialect.params(earlier), (turn_id,)).fetchone():
        return
    facts = _facts(cur, dialect, turn_id)
    if facts is None:  # a question, or no such turn: the raw report counts neither
        return
    keys = facts.rollup_keys()
    match = " OR ".join(["(dim = ? AND span = ? AND day = ? AND value = ?)"] * len(keys))
    column = RATED[sign]
    cur.execute(dialect.params(f"UPDATE usage_rollup SET {column} = {column} + 1 "
                               f"WHERE {match}"), tuple(v for key in keys for v in key))
