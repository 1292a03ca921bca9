"""The text of ``bot stats``: a table per group, then sources and unanswered questions."""

from __future__ import annotations

import time

from apps.cli.terminal_safe import printable
from contracts.usage_report import UsageReport, UsageRow

COLUMNS = ["", "answers", "tokens in", "tokens out", "cost $", "p50 s", "p95 s",
           "first token p50", "p95", "errors", "👍", "👎"]


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def cells(row: UsageRow) -> list[str]:
    return [printable(row.name), f"{row.turns:,}", f"{row.input_tokens:,}",
            f"{row.output_tokens:,}",
            f"{row.cost_usd:.4f}", _s(row.latency_p50_s), _s(row.latency_p95_s),
            _s(row.ttft_p50_s), _s(row.ttft_p95_s), f"{100 * row.error_rate:.1f}%",
            f"{100 * row.up_rate:.1f}%", f"{100 * row.down_rate:.1f}%"]


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                       enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def window(report: UsageReport) -> str:
    def day(t: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))

    start = "the first answer" if report.since is None else day(report.since)
    return f"Answers from {start} to {day(report.until)}"


def render_report(report: UsageReport) -> str:
    """The whole report as plain text."""
    head = [COLUMNS[:], *(cells(r) for r in report.groups), cells(report.total)]
    head[0][0] = report.by or ""
    parts = [window(report) + (f", by {report.by}" if report.by else "") + ":", "",
             table(head), ""]
    parts.append("Most cited sources:")
    parts += [f"  {s.count:>6,}  {printable(s.name)}" for s in report.top_sources] or ["  (none)"]
    parts += ["", "Questions where the search found no passage:"]
    parts += [f"  {q.count:>6,}  {printable(q.name)}" for q in report.unanswered] or [
        "  (none)"]
    return "\n".join(parts)
