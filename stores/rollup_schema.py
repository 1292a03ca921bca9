"""What usage rollups add to the store (schema step ``schema.ROLLUP_STEP``): per-day and
per-month sums.

``usage_rollup`` holds, per period and per group of each dimension (``all``, ``user``,
``channel``, ``presenter``, ``model``), the answers' count, tokens, cost, errors, how many
were rated 👍 and 👎, and their latency and first-token histograms (``stores/histogram.py``
blobs). ``usage_sources`` and ``usage_unanswered`` count cited sources and questions whose
search found nothing, per period. A period is a UTC day (``span = 'd'``) or month (``'m'``),
named by its first day's number (``stores/usage_days.py``).

The store adds each answer (and each first 👍 or 👎 of an answer) to its rows in the
transaction that stores it (``stores/rollup_write.py``); the step's last statement fills
the tables from the rows already stored (``stores/rollup_backfill.py``).
"""

from __future__ import annotations

from stores.migrations import Statement
from stores.rollup_backfill import backfill

_ROLLUP = """CREATE TABLE IF NOT EXISTS usage_rollup (
    dim TEXT NOT NULL, span TEXT NOT NULL, day INTEGER NOT NULL, value TEXT NOT NULL,
    turns INTEGER NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
    cost_usd DOUBLE PRECISION NOT NULL, errors INTEGER NOT NULL,
    rated_up INTEGER NOT NULL DEFAULT 0, rated_down INTEGER NOT NULL DEFAULT 0,
    latency {blob}, ttft {blob}, PRIMARY KEY (dim, span, day, value)){clustered}"""
_COUNTED = """CREATE TABLE IF NOT EXISTS usage_{name} (
    span TEXT NOT NULL, day INTEGER NOT NULL, {name_col} TEXT NOT NULL, n INTEGER NOT NULL,
    last_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (span, day, {name_col})){clustered}"""
# SQLite keeps a WITHOUT ROWID table in primary-key order: a report's range of days is one
# sequential read. PostgreSQL reads the same range through the primary key's index.
_STYLE = {"sqlite": {"blob": "BLOB", "clustered": " WITHOUT ROWID"},
          "postgresql": {"blob": "BYTEA", "clustered": ""}}


def _per_dialect(template: str, **names: str) -> dict[str, str]:
    return {d: template.replace("{blob}", s["blob"]).replace("{clustered}", s["clustered"])
            .format(**names) for d, s in _STYLE.items()}


ROLLUPS: tuple[Statement, ...] = (
    _per_dialect(_ROLLUP),
    _per_dialect(_COUNTED, name="sources", name_col="source"),
    _per_dialect(_COUNTED, name="unanswered", name_col="question"),
    backfill,
)
