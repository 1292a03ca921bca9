"""The quoted-sections benchmark's table: per set, how often the quotes answer the question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.honest_scoring import digest

BEFORE = {  # stored runs beside the sets, every answer labelled by the same rule
    "before, 5e87a4a's docs (`baseline_5e87a4a.json`)": "13/17 | 12/15 | 12/15 | 13/15 | —",
    "after, 5e87a4a's docs (`code_only_76c0986.json`)": "15/17 | 15/15 | 12/15 | 13/15 | —",
    "before, today's docs (`baseline_5e87a4a_todays_docs.json`)":
        "15/17 | 12/15 | 9/15 | 13/15 | —",
}
NOTE = """*Before* is the code of 5e87a4a, *after* this code; each pair on the same bundled docs.
The changes (found on dev and test's two old misses): the search *within the files
found*, which lets a quote reach a file's other sections, is hybrid like the search
itself (by the vectors alone a section that names what was asked but reads unlike the
question was never found: mcp.md's Approvals, api.md's Keys); it covers every file found,
not only those whose one passage passed the score floor (README.md's weak "Two commands"
stood for the file, its "Development" was never searched); and the ranking bonuses count
each of the question's words by how few of the candidate sections hold it (the bot's name
is in every title; "judge" is all over the page on judging). The word weights were chosen
on dev and test, so test reads as seen. test2 was written and labelled before the changes
and never tuned on; test3 was written after test2's first run, before any further change
(none was kept), and tunes nothing. On the held-out sets the change is small: 25/30 before
and after on 5e87a4a's docs, 22/30 and 23/30 on today's, short of the 90 % aimed at; their
misses have other causes (the quote of a long section starts at its best chunk and skips
an opening the search also found; benchmarks.md's lists of questions outrank the answer;
the answering file is not among the passages at all). The docs move near-ties as much as
the code: benchmarks.md, which is bundled, changes the word statistics of every search
(with today's, before and after alike lose n-github-repo and n-message-limit). Each run
indexes the bundled docs afresh; this one indexed them before this section was rewritten."""


def history(records: list[dict[str, Any]], labels: dict[str, Any]) -> str:
    """Issue 25 before and after, per set: the stored runs, then this run."""
    def answered(name: str) -> str:
        mine = [labelled(r, labels) for r in records if r["set"] == name]
        return f"{sum(v is True for v in mine)}/{len(mine)}"

    now = " | ".join(answered(name) for name in SETS)
    rows = [f"| {run} | {figures} |" for run, figures in BEFORE.items()]
    return "\n".join(["Issue 25, per set (quoted sections answer, hand label):", "",
                      "| run | dev | test | test2 | test3 | test4 |", "|---|---|---|---|---|---|",
                      *rows, f"| after, today's docs (this run) | {now} |", "", NOTE])


SETS = {"dev": "dev (17 questions the weights were chosen on)",
        "test": "test (15 questions written afterwards; its two misses were studied in issue 25)",
        "test2": "test2 (15 questions written before the issue-25 fix, never tuned on)",
        "test3": "test3 (15 questions written after test2's first run, never tuned on)",
        "test4": "test4 (15 questions written before the benchmarks.md change, never tuned on)"}


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else "—"


def row(name: str, records: list[dict[str, Any]], labels: dict[str, Any],
        unsupported: Callable[[dict[str, Any]], list[str]]) -> str:
    """One table row: the hand label, the gold file quoted first, unsupported lines."""
    judged = [labels[r["id"]] for r in records
              if labels.get(r["id"], {}).get("sha") == digest(r["answer"])]
    answers = sum(bool(j["answers"]) for j in judged)
    first = sum(bool(r["quoted"]) and r["quoted"][0]["source"].endswith(r["doc"])
                for r in records)
    lines = sum(len(unsupported(r)) for r in records)
    return (f"| {SETS[name]} | {pct(answers, len(judged))} | {len(records) - len(judged)} | "
            f"{pct(first, len(records))} | {lines} |")


def table(records: list[dict[str, Any]], labels: dict[str, Any],
          unsupported: Callable[[dict[str, Any]], list[str]]) -> str:
    head = (
        "The answer in the documents' own words (what the embedded model's answer falls back "
        "to), built as the checked pipeline builds it, for each question of "
        "`benchmarks/data/quoted_sections` (`benchmarks/quoted_sections.py`): hand label "
        "\"the quoted sections answer the question\", the expected file quoted first, and "
        "quoted lines not found in their section (unsupported; must be 0).\n\n"
        "| set | quoted sections answer (hand label) | unlabelled | expected file first "
        "| unsupported quoted lines |\n|---|---|---|---|---|"
    )
    rows = [row(name, [r for r in records if r["set"] == name], labels, unsupported)
            for name in SETS]
    misses = [f"- {r['set']} `{r['id']}` ({r['question']}): {labels[r['id']]['why']}"
              for r in records if labelled(r, labels) is False]
    tail = ["", "Labelled *no*:", *misses] if misses else []
    return "\n".join([head, *rows, *tail, "", history(records, labels)])


def labelled(record: dict[str, Any], labels: dict[str, Any]) -> bool | None:
    """The hand label of this very answer; None when unlabelled or the answer changed (an
    old label of another answer is never listed as this one's)."""
    entry = labels.get(record["id"], {})
    return bool(entry["answers"]) if entry.get("sha") == digest(record["answer"]) else None
