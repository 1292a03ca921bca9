"""The ``bot eval feedback`` report: wins, losses, position bias, per case."""

from __future__ import annotations

import json
from pathlib import Path

from apps.eval.feedback import FeedbackCase
from apps.eval.records import PairRecord
from apps.eval.report import paths_cell
from apps.eval.summary import ComboSummary

COLUMNS = ["judge", "cases", "new wins", "old wins", "AA", "BB", "bias", "other", "errors",
           "read by shape/rules/LLM/none", "tokens", "cost $"]
WORDS = {"correct": "WIN ", "wrong": "LOSS", "AA": "AA  ", "BB": "BB  ", "other": "??  ",
         "error": "ERR "}


def row(s: ComboSummary) -> list[str]:
    bias = f"{s.bias_pct:.1f}% → {s.bias_towards}" if s.bias_towards != "none" else "0.0%"
    return [s.backend, str(s.items), f"{s.accuracy_pct:.1f}%", f"{s.wrong_pct:.1f}%",
            f"{s.aa_pct:.1f}%", f"{s.bb_pct:.1f}%", bias, f"{s.other_pct:.1f}%",
            f"{s.error_pct:.1f}%", paths_cell(s.decided_by),
            str(s.input_tokens + s.output_tokens), f"{s.cost_usd:.4f}"]


def render(summary: ComboSummary, results: list[tuple[FeedbackCase, PairRecord]]) -> str:
    rows = [COLUMNS, row(summary)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    table = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    table.insert(1, "  ".join("-" * w for w in widths))
    cases = [f"{WORDS[r.outcome]}  {c.id}  {c.question[:70]}"
             + (f"  (said: {c.comment[:60]})" if c.comment else "") for c, r in results]
    return "\n".join([*table, "", *cases])


def write(out: Path, summary: ComboSummary, results: list[tuple[FeedbackCase, PairRecord]]
          ) -> list[Path]:
    text = render(summary, results)
    md, js = out / "report.md", out / "report.json"
    md.write_text(
        "# Feedback regression report\n\nEvery 👎 answer asked again with the current "
        "configuration; the judge compared the new answer with the old one in both orders. "
        "**new wins**: the new answer, in both orders; **old wins**: the old one; **AA/BB**: "
        f"the judge followed the position.\n\n```\n{text}\n```\n", encoding="utf-8")
    payload = {"summary": summary.model_dump(),
               "cases": [{"case": c.model_dump(), "outcome": r.outcome} for c, r in results]}
    js.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return [md, js]
