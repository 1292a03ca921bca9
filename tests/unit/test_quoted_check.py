"""The quoted-sections benchmark counts a quoted line that is not in its section: the
answer's own markup (a table's "| … |" row for rows left out) is not such a line."""

from __future__ import annotations

from agents.extractive import LEAD
from agents.table_rows import GAP
from benchmarks.quoted_sections import unsupported_lines

SECTION = "| setting | default |\n|---|---|\n| `kb.top_k` | 4 |\n| `kb.rerank` | off |"


def record(*lines: str) -> dict[str, object]:
    answer = "\n".join([LEAD, "", "[1] knowledge-base.md — Settings:", "", *lines])
    return {"answer": answer, "quoted": [{"n": 1, "section": SECTION}]}


def test_a_table_cut_to_its_asked_rows_quotes_nothing_unsupported() -> None:
    assert unsupported_lines(record("| setting | default |", "|---|---|", GAP,
                                    "| `kb.rerank` | off |")) == []


def test_a_line_the_section_does_not_hold_is_counted() -> None:
    assert unsupported_lines(record("| `kb.rerank` | on |")) == ["| `kb.rerank` | on |"]
