"""The Stats tab's content from a usage report: tables and chart data (pandas frames)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from contracts.usage_report import UsageReport, UsageRow

WINDOWS = {"last 24 hours": 86400.0, "last 7 days": 7 * 86400.0,
           "last 30 days": 30 * 86400.0, "all time": None}
LATENCY_BINS = [(0.5, "< 0.5 s"), (1, "0.5–1 s"), (2, "1–2 s"), (5, "2–5 s"), (10, "5–10 s"),
                (30, "10–30 s"), (float("inf"), "≥ 30 s")]
TABLE_COLUMNS = ["", "answers", "tokens", "cost $", "p50 s", "p95 s", "first token p50 s",
                 "errors %", "rated up %", "rated down %"]


def _s(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def row_cells(row: UsageRow) -> list[Any]:
    return [row.name, row.turns, row.input_tokens + row.output_tokens, round(row.cost_usd, 4),
            _s(row.latency_p50_s), _s(row.latency_p95_s), _s(row.ttft_p50_s),
            round(100 * row.error_rate, 1), round(100 * row.up_rate, 1),
            round(100 * row.down_rate, 1)]


def table(report: UsageReport) -> pd.DataFrame:
    """One row per group, then the total."""
    rows = [row_cells(r) for r in report.groups] + [row_cells(report.total)]
    columns = [report.by or "", *TABLE_COLUMNS[1:]]
    return pd.DataFrame(rows, columns=columns)


def summary(report: UsageReport) -> str:
    t = report.total
    p95 = "–" if t.latency_p95_s is None else f"{t.latency_p95_s:.2f} s"
    return (f"**{t.turns:,} answers** · {t.input_tokens + t.output_tokens:,} tokens · "
            f"${t.cost_usd:.4f} · p95 latency {p95} · errors {100 * t.error_rate:.1f}% · "
            f"rated up {100 * t.up_rate:.1f}% · rated down {100 * t.down_rate:.1f}%")


def cost_per_day(days: UsageReport) -> pd.DataFrame:
    return pd.DataFrame({"day": [r.name for r in days.groups],
                         "cost $": [round(r.cost_usd, 6) for r in days.groups]})


def feedback_per_day(days: UsageReport) -> pd.DataFrame:
    """Long format for a colored bar chart: day, rating, share of answers (%)."""
    rows = [(r.name, kind, round(100 * rate, 1)) for r in days.groups
            for kind, rate in (("up", r.up_rate), ("down", r.down_rate))]
    return pd.DataFrame(rows, columns=["day", "rating", "% of answers"])


def latency_distribution(report: UsageReport) -> pd.DataFrame:
    counts = dict.fromkeys((label for _, label in LATENCY_BINS), 0)
    for seconds, n in report.latency_histogram:
        label = next(label for edge, label in LATENCY_BINS if seconds < edge)
        counts[label] += n
    return pd.DataFrame({"latency": list(counts), "answers": list(counts.values())})


def lists(report: UsageReport) -> str:
    sources = "\n".join(f"- {s.name} ({s.count})" for s in report.top_sources) or "- (none)"
    missing = "\n".join(f"- {q.name} ({q.count})" for q in report.unanswered) or "- (none)"
    return (f"#### Most cited sources\n{sources}\n\n"
            f"#### Questions where the search found no passage\n{missing}")
