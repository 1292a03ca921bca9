"""Reading the first answer's quotes (the documents' own words after ``LEAD``) in tests."""

from __future__ import annotations

import re

from agents.extractive import LEAD


def quoted_headings(answer: str) -> list[str]:
    """The ``file — heading`` over each quote of the documents' own words, in order."""
    return re.findall(r"^\[\d+\] ([^\n]+):$", answer.partition(LEAD)[2], flags=re.M)

