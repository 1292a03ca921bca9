"""The pairwise report: a printed table, Markdown, JSON and a PNG chart in the run folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import structlog

from apps.eval.summary import PATHS, ComboSummary

log = structlog.get_logger("apps.eval")
COLUMNS = ["env", "backend", "items", "accuracy", "AA", "BB", "bias", "wrong", "other",
           "errors", "LLM fallback", "read by shape/rules/LLM/none", "tokens", "cost $", "wall s",
           "p50 s", "p95 s"]


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def paths_cell(counts: dict[str, int]) -> str:
    """``shape/rules/LLM/none`` verdict counts, e.g. ``38/1/1/0``."""
    return "/".join(str(counts.get(k, 0)) for k in PATHS)


def row(s: ComboSummary) -> list[str]:
    """One summary as the table's cells."""
    bias = f"{s.bias_pct:.1f}% → {s.bias_towards}" if s.bias_towards != "none" else "0.0%"
    return [s.env, s.backend, str(s.items), f"{s.accuracy_pct:.1f}%", f"{s.aa_pct:.1f}%",
            f"{s.bb_pct:.1f}%", bias, f"{s.wrong_pct:.1f}%", f"{s.other_pct:.1f}%",
            f"{s.error_pct:.1f}%", f"{s.llm_fallback_pct:.1f}%", paths_cell(s.decided_by),
            str(s.input_tokens + s.output_tokens), f"{s.cost_usd:.4f}", f"{s.wall_s:.1f}",
            _seconds(s.latency_p50_s), _seconds(s.latency_p95_s)]


def render_table(summaries: list[ComboSummary]) -> str:
    """A plain-text table for the terminal, columns aligned."""
    rows = [COLUMNS, *(row(s) for s in summaries)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def render_markdown(summaries: list[ComboSummary], meta: dict[str, Any]) -> str:
    """The report page: what ran, the table, and how to read it."""
    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS)
    body = "\n".join("| " + " | ".join(row(s)) + " |" for s in summaries)
    return (
        f"# Pairwise judge report\n\nData: `{meta.get('data', '')}` · items: "
        f"{meta.get('items', '')} · each item judged in both orders (correct candidate "
        "shown as A, then as B).\n\n"
        f"{head}\n{body}\n\n![outcomes](report.png)\n\n"
        "- **accuracy**: the judge picked the correct candidate in both orders.\n"
        "- **AA / BB**: it picked whatever was shown first (AA) or second (BB) in both "
        "orders: position bias, not judgement. **bias** = |AA − BB| and its direction.\n"
        "- **wrong**: it picked the incorrect candidate in both orders.\n"
        "- **other**: at least one verdict could not be read, even by the extractor model.\n"
        "- **LLM fallback**: share of verdicts neither the fixed shape nor the rules could "
        "read.\n"
        "- **read by shape/rules/LLM/none**: how many verdicts came constrained in the fixed "
        "shape (`{\"label\": \"A\"}`), how many the deterministic rules read from free text, "
        "how many the extractor model read, and how many none could.\n"
        "- **p50 / p95**: latency of one judge call; **wall**: time spent running.\n"
    )


def write_report(out: Path, summaries: list[ComboSummary], meta: dict[str, Any]) -> list[Path]:
    """``report.md``, ``report.json`` and (with matplotlib) ``report.png`` under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    md, js, png = out / "report.md", out / "report.json", out / "report.png"
    md.write_text(render_markdown(summaries, meta), encoding="utf-8")
    payload = {**meta, "results": [s.model_dump() for s in summaries]}
    js.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    written = [md, js]
    try:
        from apps.eval.chart import draw_outcomes
    except ImportError:
        log.warning("eval_chart_skipped", reason="matplotlib missing; pip install 'bot[eval]'")
        return written
    draw_outcomes(summaries, png)
    return [*written, png]
