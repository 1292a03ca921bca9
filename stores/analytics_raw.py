"""The ``bot stats`` queries on the turns table, for a slice of a window the rollups do not
cover (a partial first or last day) or for a whole window (the reference the rollups are
tested against).

Each reads answers in ``[low, high)`` through the indexes of ``analytics_schema``: the
covering ``turns_stats`` index (never the turns' text), the partial ``turns_no_passage``
index for questions where the search found nothing, and ``turn_sources``.
"""

from __future__ import annotations

from contracts.usage_report import StatsGroup
from stores.histogram import BUCKETS_PER_S
from stores.usage_dims import BOT_ANSWER, GROUP_SQL, NO_PASSAGE, question_sql

WINDOW = f"role = 'assistant' AND {BOT_ANSWER.format(p='')} AND created_at >= ? AND created_at < ?"
BUCKET_SQL = {  # SQLite's CAST truncates; PostgreSQL's would round
    "sqlite": f"CAST({{c}} * {BUCKETS_PER_S} AS INTEGER)",
    "postgresql": f"CAST(trunc({{c}} * {BUCKETS_PER_S}) AS INTEGER)",
}


class RawQueries:
    """The SQL of one slice: a grouping, in the store's dialect."""

    def __init__(self, dialect: str, by: StatsGroup | None) -> None:
        if by is not None and by not in GROUP_SQL["sqlite"]:
            raise ValueError(f"unknown grouping {by!r}")
        self.by = by
        self.group = GROUP_SQL[dialect][by] if by else "'all'"
        self.bucket = BUCKET_SQL[dialect]

    @property
    def grouped(self) -> str:
        """GROUP BY for a grouped report; none for totals (the database then need not sort)."""
        return "" if self.by is None else " GROUP BY grp"

    def summary(self) -> str:
        return (f"SELECT {self.group.format(p='')} AS grp, COUNT(*), SUM(input_tokens), "
                "SUM(output_tokens), SUM(cost_usd), "
                "SUM(CASE WHEN error_id IS NULL THEN 0 ELSE 1 END) "
                f"FROM turns WHERE {WINDOW}{self.grouped}")

    def histogram(self, column: str) -> str:
        """(group, 10 ms bucket, answers); the bucket truncates, as ``histogram.bucket_of``."""
        return (f"SELECT {self.group.format(p='')} AS grp, "
                f"{self.bucket.format(c=column)} AS bucket, COUNT(*) "
                f"FROM turns WHERE {WINDOW} AND {column} IS NOT NULL GROUP BY "
                f"{'bucket' if self.by is None else 'grp, bucket'}")

    def feedback(self) -> str:
        """Answers rated 👍 and 👎 (at least once each way) per group."""
        return (f"SELECT {self.group.format(p='t.')} AS grp, "
                "COUNT(DISTINCT CASE WHEN f.score > 0 THEN f.turn_id END), "
                "COUNT(DISTINCT CASE WHEN f.score < 0 THEN f.turn_id END) "
                "FROM turns t JOIN feedback f ON f.turn_id = t.id "
                f"WHERE t.role = 'assistant' AND {BOT_ANSWER.format(p='t.')} "
                "AND t.created_at >= ? AND t.created_at < ?"
                f"{self.grouped}")


# The question of each answer whose search found nothing (the partial index finds them).
NO_PASSAGE_QUESTIONS = (f"SELECT {question_sql('turns')} AS q, created_at AS at FROM turns "
                        f"WHERE {NO_PASSAGE} AND created_at >= ? AND created_at < ?")
