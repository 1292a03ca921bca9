"""Reading the first answer's quotes (the documents' own words after ``LEAD``) in tests."""

from __future__ import annotations

import re

from agents.extractive import LEAD


def quoted_headings(answer: str) -> list[str]:
    """The ``file — heading`` over each quote of the documents' own words, in order."""
    return re.findall(r"^\[\d+\] ([^\n]+):$", answer.partition(LEAD)[2], flags=re.M)


def assert_ingest_section_quoted_whole(answer: str) -> None:
    """"How do I add my own documents?": the ingest section from its start, code block whole."""
    body = answer.partition(LEAD)[2]
    assert "knowledge-base.md — Ingesting documents" in quoted_headings(answer), answer
    assert "```\nbot ingest PATH..." in body, "the section's code block whole"
    assert "[--address ADDR]]\n```\n\n- **Formats**" in body, "not started inside the block"
    assert body.count("```") % 2 == 0, "no code block left open"
