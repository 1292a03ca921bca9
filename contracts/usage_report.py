"""What ``bot stats`` and the Gradio Stats tab show: usage figures read back from the store."""

from __future__ import annotations

from pydantic import BaseModel, Field

from contracts.stats_groups import STATS_GROUPS, StatsGroup

__all__ = ["STATS_GROUPS", "StatsGroup", "UsageReport", "UsageRow"]


class UsageRow(BaseModel):
    """The answers of one group (or of all): volume, cost, speed, failures and ratings.

    Percentiles are read from a 10 ms histogram: each is the upper edge of its bucket.
    """

    name: str
    turns: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    ttft_p50_s: float | None = None
    ttft_p95_s: float | None = None
    errors: int = 0
    rated_up: int = 0
    rated_down: int = 0

    @property
    def error_rate(self) -> float:
        return self.errors / self.turns if self.turns else 0.0

    @property
    def up_rate(self) -> float:
        """Share of answers rated 👍."""
        return self.rated_up / self.turns if self.turns else 0.0

    @property
    def down_rate(self) -> float:
        return self.rated_down / self.turns if self.turns else 0.0


class Counted(BaseModel):
    """A source cited, or a question asked, and how often (``last_at``: latest, epoch s)."""

    name: str
    count: int
    last_at: float | None = None


class UsageReport(BaseModel):
    """Answers created in ``[since, until)`` (epoch seconds), grouped ``by`` one dimension."""

    since: float | None
    until: float
    by: StatsGroup | None = None
    total: UsageRow
    groups: list[UsageRow] = Field(default_factory=list)
    top_sources: list[Counted] = Field(default_factory=list)
    unanswered: list[Counted] = Field(
        default_factory=list, description="questions where the search found no passage")
    latency_histogram: list[tuple[float, int]] = Field(
        default_factory=list, description="(latency in s, rounded to 10 ms; answers)")
