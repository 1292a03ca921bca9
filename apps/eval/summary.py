"""The figures per (environment, backend): accuracy, position bias, fallbacks, cost, speed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from apps.eval.records import OUTCOMES, PairRecord


class ComboSummary(BaseModel):
    """One row of the report. Percentages are of all items, so the outcomes add up to 100."""

    env: str
    backend: str
    model: str
    items: int
    counts: dict[str, int]
    accuracy_pct: float
    wrong_pct: float
    aa_pct: float
    bb_pct: float
    other_pct: float
    error_pct: float
    bias_pct: float
    bias_towards: Literal["A", "B", "none"]
    llm_fallback_pct: float
    decided_by: dict[str, int] = {}
    input_tokens: int
    output_tokens: int
    cost_usd: float
    wall_s: float
    latency_p50_s: float | None
    latency_p95_s: float | None
    items_per_s: float | None


PATHS = ("constrained", "rules", "llm", "none")  # who read a verdict, in report order

def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) by linear interpolation; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def decided_by(paths: Iterable[str]) -> dict[str, int]:
    """How many verdicts each path read: ``constrained`` (the backend answered in the fixed
    shape), ``rules`` (free text, no model call), ``llm`` (the extractor model), ``none``."""
    counts = Counter("rules" if p == "deterministic" else p for p in paths)
    return {k: counts[k] for k in PATHS}


def wall_time(records: list[PairRecord]) -> float:
    """Time spent running, summed over sessions so a pause between resumes is not counted."""
    spans: dict[str, list[float]] = defaultdict(list)
    for r in records:
        spans[r.session] += [r.started, r.finished]
    return sum(max(s) - min(s) for s in spans.values())


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def summarize(records: list[PairRecord], env: str, backend: str) -> ComboSummary:
    """The row for ``(env, backend)`` from its records (latest per item)."""
    mine = [r for r in records if r.env == env and r.backend == backend]
    n = len(mine)
    counts = Counter(r.outcome for r in mine)
    verdicts = [v for r in mine for v in r.verdicts]
    latencies = [v.latency_s for v in verdicts]
    aa, bb = _pct(counts["AA"], n), _pct(counts["BB"], n)
    wall = wall_time(mine)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return ComboSummary(
        env=env, backend=backend, model=next((r.model for r in mine if r.model), ""), items=n,
        counts={o: counts[o] for o in OUTCOMES}, accuracy_pct=_pct(counts["correct"], n),
        wrong_pct=_pct(counts["wrong"], n), aa_pct=aa, bb_pct=bb,
        other_pct=_pct(counts["other"], n), error_pct=_pct(counts["error"], n),
        bias_pct=round(abs(aa - bb), 1),
        bias_towards="A" if aa > bb else "B" if bb > aa else "none",
        llm_fallback_pct=_pct(sum(v.llm_used for v in verdicts), len(verdicts)),
        decided_by=decided_by(v.path for v in verdicts),
        input_tokens=sum(r.input_tokens for r in mine),
        output_tokens=sum(r.output_tokens for r in mine),
        cost_usd=sum(r.cost_usd for r in mine), wall_s=round(wall, 3),
        latency_p50_s=None if p50 is None else round(p50, 4),
        latency_p95_s=None if p95 is None else round(p95, 4),
        items_per_s=round(n / wall, 3) if wall > 0 else None,
    )
