"""The report of ``bot eval retrieval``: a Markdown page and the same facts as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apps.eval.retrieval import ConfigResult, RetrievalReport, ran


def render_markdown(report: RetrievalReport) -> str:
    k = report.k
    scored = report.questions - len(report.missing_sources)
    lines = [
        f"# Retrieval eval: {report.data}",
        "",
        f"Collection `{report.collection}`, {scored} questions scored"
        f" ({len(report.missing_sources)} left out), top {k}.",
        "",
        f"| configuration | hit@{k} | MRR@{k} | nDCG@{k} | misses | ms/question |",
        "|---|---|---|---|---|---|",
    ]
    for c in report.configs:
        if c.config.note:
            lines.append(f"| {c.config.name} | — | — | — | — | not run: {c.config.note} |")
            continue
        ms = sum(r.ms for r in c.results) / max(len(c.results), 1)
        lines.append(
            f"| {c.config.name} | {c.mean('hit'):.3f} | {c.mean('mrr'):.3f} | "
            f"{c.mean('ndcg'):.3f} | {len(c.misses)} | {ms:.0f} |"
        )
    if report.missing_sources:
        lines += ["", "## Questions whose source is not in the collection", ""]
        lines += [
            f"- {q.id}: {q.question!r}: {', '.join(q.source)} is not in collection "
            f"`{report.collection}` (ingest it, or fix the source name)"
            for q in report.missing_sources
        ]
    for c in ran(report):
        lines += _misses(c, k)
    return "\n".join(lines)


def _misses(config: ConfigResult, k: int) -> list[str]:
    if not config.misses:
        return []
    lines = ["", f"## Misses of {config.config.name} (answer not in the top {k})", ""]
    for r in config.misses:
        got = "; ".join(f"{x.source} › {x.heading}" if x.heading else x.source
                        for x in r.retrieved) or "nothing"
        lines.append(f"- {r.question.id}: {r.question.question!r}, expected "
                     f"{', '.join(r.question.source)}; got {got}")
    return lines


def to_json(report: RetrievalReport) -> dict[str, Any]:
    return {
        "data": report.data,
        "collection": report.collection,
        "k": report.k,
        "questions": report.questions,
        "missing_sources": [
            {"id": q.id, "question": q.question, "source": q.source}
            for q in report.missing_sources
        ],
        "configurations": [_config_json(c) for c in report.configs],
    }


def _config_json(c: ConfigResult) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.config.name, "settings": c.config.kb}
    if c.config.note:
        return {**out, "run": False, "note": c.config.note}
    return {
        **out,
        "run": True,
        **{m: round(c.mean(m), 4) for m in ("hit", "mrr", "ndcg")},
        "results": [
            {"id": r.question.id, "hit": r.scores.hit, "mrr": round(r.scores.mrr, 4),
             "ndcg": round(r.scores.ndcg, 4), "ms": round(r.ms, 1),
             "retrieved": [{"source": x.source, "heading": x.heading} for x in r.retrieved]}
            for r in c.results
        ],
    }


def write_report(out: Path, report: RetrievalReport) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "retrieval.md", out / "retrieval.json"
    md.write_text(render_markdown(report) + "\n", encoding="utf-8")
    js.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
    return [md, js]
