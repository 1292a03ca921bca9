"""A passage made readable as a quote: whole paragraphs, re-flowed, code blocks never cut.

A whole section (``Source.section``) is quoted as the source wrote it; a long one is cut at
the last paragraph that fits, outside any code block, and ends with "…" and where to read
on. A bare chunk (a search that gives no sections) starts at its first whole sentence and
any code fence it cut is paired.
"""

from __future__ import annotations

import re

from agents.reflow import in_code_at, reflow
from agents.wording import FENCE_MARK
from bot.contracts.events import Source

_MID_SENTENCE = re.compile(r"^[a-z,;)\]]")
_SENTENCE_END = re.compile(r"[.!?]\s")
# where a quote may end: before a blank line or a list item (re-flowed, one line each)
_BLOCK_END = re.compile(r"\n(?=[ \t]*\n|\s*(?:[-*+]|\d{1,3}[.)])\s)")
MAX_QUOTE_CHARS = 1200


def quote_source(source: Source, limit: int = MAX_QUOTE_CHARS) -> str:
    """The section of ``source`` (or its chunk text, without a section), ready to show."""
    if source.section.strip():
        return quote_section(source.section, read_on(source), limit)
    return quote(source.text, limit)


def read_on(source: Source) -> str:
    """Where the reader finds the rest: the page's URL, else the file and its heading."""
    heading = source.heading.rsplit("›", 1)[-1].strip()
    return source.url or (f"{source.source} — {heading}" if heading else source.source)


def quote_section(section: str, where: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``section`` re-flowed; past ``limit`` characters cut at the end of a paragraph or
    list item outside code (the first one, when even that is longer)."""
    text = reflow(section)
    if len(text) <= limit:
        return text
    cuts = [m.start() for m in _BLOCK_END.finditer(text) if not in_code_at(text, m.start())]
    fitting = [c for c in cuts if c <= limit]
    cut = fitting[-1] if fitting else next(iter(cuts), len(text))
    if cut >= len(text):
        return text
    return f"{text[:cut].rstrip()}\n\n… (read on: {where})"


def quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """A chunk from its first whole sentence (a chunk may begin mid-sentence, where it
    overlaps the one before), re-flowed, cut at a line end when long, fences paired."""
    text = text.strip()
    start = _SENTENCE_END.search(text) if _MID_SENTENCE.match(text) else None
    if start is not None and start.end() < len(text) // 2:
        text = text[start.end() :].lstrip()
    text = reflow(balanced(text))
    if len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        text = balanced(text[: cut if cut > 0 else limit].rstrip()) + "\n…"
    return text


def balanced(text: str) -> str:
    """``text`` with an odd code fence paired: a chunk that begins inside a code block
    shows its closing fence first (a bare one), so the opening one goes before the text."""
    if text.count(FENCE_MARK) % 2 == 0:
        return text
    first = next(line.strip() for line in text.splitlines() if line.strip().startswith(FENCE_MARK))
    return f"{FENCE_MARK}\n{text}" if first == FENCE_MARK else f"{text}\n{FENCE_MARK}"
