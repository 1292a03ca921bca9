"""Markdown re-flowed as its author meant it to read: hard-wrapped lines joined.

Docs are wrapped at ~90 columns in the file; a quote shown in a terminal, a Slack thread or
a web page breaks lines where the file did ("The answer\\n  streams into the thread.").
Lines of one paragraph or one list item are joined with a space; code blocks, tables,
headings, list items and block quotes keep their own lines, exactly as written.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_LATER_ITEM = re.compile(r"^\s*(?!1[.)])\d{1,3}[.)]\s+")  # "2." … (or "401." wrapped)
_OWN_LINE = re.compile(r"^\s*(?:#{1,6}\s|\||>|<!--)")
_HARD_BREAK = re.compile(r"(?: {2,}|\\)$")


def reflow(text: str) -> str:
    """``text`` with the lines of each paragraph and list item joined; blocks kept."""
    out: list[str] = []
    fence: str | None = None
    for line in text.strip("\n").split("\n"):
        marker = _FENCE.match(line)
        if fence is not None or marker:
            out.append(line)
            if marker and (fence is None or marker.group(1)[0] == fence[0]):
                fence = None if fence is not None else marker.group(1)
            continue
        if _continues(out, line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _continues(out: list[str], line: str) -> bool:
    """Whether ``line`` goes on the paragraph or list item of the line before it."""
    if not out or not line.strip() or not out[-1].strip():
        return False
    previous = out[-1]
    if _LATER_ITEM.match(line) and not _LIST_ITEM.match(previous):
        return True  # only "1." starts a list inside a paragraph: "401." is a wrapped number
    if _LIST_ITEM.match(line) or _OWN_LINE.match(line) or _FENCE.match(line):
        return False
    if _OWN_LINE.match(previous) and not previous.lstrip().startswith(">"):
        return False
    return not _FENCE.match(previous) and not _HARD_BREAK.search(previous)


def in_code_at(text: str, offset: int) -> bool:
    """Whether ``offset`` of ``text`` lies inside a fenced code block."""
    fence: str | None = None
    for line in text[:offset].split("\n"):
        marker = _FENCE.match(line)
        if marker and (fence is None or marker.group(1)[0] == fence[0]):
            fence = None if fence is not None else marker.group(1)
    return fence is not None
