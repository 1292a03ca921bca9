"""The ``bot eval answers`` report: per question and in total, one or two configurations."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from statistics import median

from apps.eval.answers import AnswerCase
from apps.eval.answers_run import ConfigRun
from apps.eval.records import PairRecord


def mark(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "NO")


def question_lines(cases: list[AnswerCase], run: ConfigRun) -> list[str]:
    """One line per question: verdict, source, facts, coverage, unsupported, seconds."""
    lines = []
    for case, s in zip(cases, run.scores, strict=True):
        facts = f"{s.facts_stated}/{s.facts_total}" if s.facts_total else "—"
        lines.append(
            f"{'PASS' if s.correct else 'FAIL'}  {case.id}: source {mark(s.source_cited)}, "
            f"facts {facts}, {'covered' if case.covered else 'not covered'} "
            f"{'right' if s.coverage_right else 'WRONG'}, unsupported {len(s.unsupported)}, "
            f"{s.latency_s:.1f} s" + (f", error: {s.error}" if s.error else ""))
    return lines


def totals(run: ConfigRun) -> dict[str, float | int]:
    """The run's figures in total."""
    scores = run.scores
    cited = [s.source_cited for s in scores if s.source_cited is not None]
    return {
        "questions": len(scores),
        "correct": sum(s.correct for s in scores),
        "gold_source_cited": sum(bool(c) for c in cited), "with_gold_source": len(cited),
        "facts_stated": sum(s.facts_stated for s in scores),
        "facts": sum(s.facts_total for s in scores),
        "facts_by_judge": sum(s.facts_by_judge for s in scores),
        "coverage_right": sum(s.coverage_right for s in scores),
        "unsupported_sentences": sum(len(s.unsupported) for s in scores),
        "errors": sum(s.error is not None for s in scores),
        "median_latency_s": round(median([s.latency_s for s in scores]), 2) if scores else 0,
        "cost_usd": round(sum(s.cost_usd for s in scores), 6),
        "tokens": sum(s.tokens for s in scores),
    }


def total_lines(run: ConfigRun) -> list[str]:
    t = totals(run)
    return [
        f"{run.label}: {t['correct']}/{t['questions']} right in every respect",
        f"  gold source cited {t['gold_source_cited']}/{t['with_gold_source']}; facts stated "
        f"{t['facts_stated']}/{t['facts']} ({t['facts_by_judge']} by the judge role); "
        f"covered or not, said right {t['coverage_right']}/{t['questions']}",
        f"  unsupported sentences {t['unsupported_sentences']}; errors {t['errors']}; median "
        f"{t['median_latency_s']} s; cost ${t['cost_usd']:.4f} ({t['tokens']} tokens)",
    ]


def comparison_lines(runs: list[ConfigRun], records: list[PairRecord]) -> list[str]:
    counts = Counter(r.outcome for r in records)
    first, second = runs[0].label, runs[1].label
    same = len(runs[0].scores) - len(records)
    return [f"judge, both orders: {first} better {counts['correct']}, {second} better "
            f"{counts['wrong']}, position bias AA {counts['AA']} / BB {counts['BB']}, "
            f"unclear {counts['other']}, errors {counts['error']}; identical answers {same}"]


def render(cases: list[AnswerCase], runs: list[ConfigRun], records: list[PairRecord],
           out: Path) -> str:
    """The report text; also written to ``out`` as report.md and report.json."""
    lines: list[str] = []
    for run in runs:
        lines += [f"== {run.label}", *question_lines(cases, run), ""]
    for run in runs:
        lines += total_lines(run)
    if len(runs) == 2:
        lines += comparison_lines(runs, records)
    text = "\n".join(lines)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(f"# Answers eval\n\n```\n{text}\n```\n", encoding="utf-8")
    payload = {"runs": [{"label": r.label, "totals": totals(r),
                         "questions": [s.model_dump() for s in r.scores]} for r in runs],
               "comparison": [r.model_dump() for r in records]}
    (out / "report.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return f"{text}\nwritten: {out / 'report.md'}, {out / 'report.json'}"
