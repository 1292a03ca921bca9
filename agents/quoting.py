"""A passage made readable as a quote: whole paragraphs, re-flowed, code blocks never cut.

A whole section (``Source.section``) is quoted as the source wrote it; a long one is cut at
the last paragraph that fits, outside any code block, and ends with "…" and where to read
on. A long section's quote starts at its opening when the search found that, else at the
paragraph of the passage found (when the start would not show it). When the section's
best passage, or another the search ranked, lies further on than that part reaches, the
quote shows two thirds as much from the start, "(…)", and the paragraphs from that
passage on: a detail asked about often lies deep in a long section (the undo button in a
list of what the page does). A long section's tables keep only the rows the question asks
about (:mod:`agents.table_rows`). A bare chunk (a search that gives no sections) starts at
its first whole sentence and any code fence it cut is paired.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.reflow import in_code_at, reflow
from agents.table_rows import condensed
from agents.wording import FENCE_MARK
from contracts.events import Source

_MID_SENTENCE = re.compile(r"^[a-z,;)\]]")
_SENTENCE_END = re.compile(r"[.!?]\s")
# where a quote may end: before a blank line or a list item (re-flowed, one line each)
_BLOCK_END = re.compile(r"\n(?=[ \t]*\n|\s*(?:[-*+]|\d{1,3}[.)])\s)")
_NEXT_SENTENCE = re.compile(r"(?<=[a-z0-9)`\]][.!?])[ \t]+(?=[A-Z`(])")  # "… fix. The next"
_TABLE_RULE = re.compile(r"^\s*\|[\s|:-]+\|?\s*$")  # the line under a table's header
MAX_QUOTE_CHARS = 1600  # chosen on the dev questions (README's first answer fits)
SHOWN_OF_PASSAGE = 300  # characters of the found passage a quote from the start must show


def quote_source(
    source: Source, limit: int = MAX_QUOTE_CHARS, found: Sequence[str] = (),
    ranked: Sequence[str] = (), question: str = "",
) -> str:
    """The section of ``source`` (or its chunk text, without a section), ready to show.
    ``found``: the other passages of that section the search found; when one of them is
    the section's opening, the quote starts there, not at ``source``'s own passage (the
    opening says what the section is about, and how to set it up). ``ranked``: those
    the search itself ranked (not only found within the file), best first: after
    ``source``'s own, the first that the quote would not reach is shown after "(…)".
    ``question``: what was asked, which picks the rows a long table keeps."""
    if source.section.strip():
        opening = any(opens(source.section, passage) for passage in found)
        return quote_section(source.section, read_on(source), limit,
                             at="" if opening else source.text, later=[source.text, *ranked],
                             question=question)
    return quote(source.text, limit)


def opens(section: str, passage: str) -> bool:
    """``passage`` is the chunk that opens ``section``: its first line that the section
    holds is the section's own first line (a later chunk begins further on)."""
    text = reflow(section)
    at = located(text, passage)
    return at >= 0 and at == located(text, text)


def read_on(source: Source) -> str:
    """Where the reader finds the rest: the page's URL, else the file and its heading."""
    heading = source.heading.rsplit("›", 1)[-1].strip()
    return source.url or (f"{source.source} — {heading}" if heading else source.source)


def quote_section(
    section: str, where: str, limit: int = MAX_QUOTE_CHARS, at: str = "",
    later: Sequence[str] = (), question: str = "",
) -> str:
    """``section`` re-flowed; past ``limit`` characters, whole paragraphs and list items
    (never cut inside code) from the start — or, when that would not show the passage
    ``at`` the search found, from the paragraph where it begins, "(…)" marking the gap.
    ``later``: passages found in the section, best first; the first one that quote would
    not show is shown too, after "(…)": two thirds of the room for the first part (the
    opening, with its setup), a third for the paragraphs from that passage on. A long
    section's tables keep the rows holding the most of the ``question``'s words
    (:mod:`agents.table_rows`)."""
    whole = reflow(section)
    if len(whole) <= limit:
        return whole
    text = condensed(whole, question)
    if len(text) <= limit:  # rows were left out, so it is not the whole section
        return f"{text}\n\n… (read on: {where})"
    ends = [m.start() for m in _BLOCK_END.finditer(text)] + row_ends(text)
    cuts = sorted(c for c in ends if not in_code_at(text, c))
    found = found_at(text, at)
    start = 0 if found + SHOWN_OF_PASSAGE <= limit else max([0, *(c + 1 for c in cuts
                                                                   if c < found)])
    if start + limit >= len(text):  # the passage is near the end: the last part that fits
        start = min([c + 1 for c in cuts if c + 1 >= len(text) - limit] or [start])
    cut = end_of_part(text, cuts, start, limit)
    beyond = [pos for p in later if (pos := located(text, p)) >= 0 and pos + SHOWN_OF_PASSAGE > cut]
    parts = [(start, cut)]
    if beyond:
        first = end_of_part(text, cuts, start, limit - limit // 3)
        resume = max([first + 1, *(c + 1 for c in cuts if c < beyond[0])])
        parts = [(start, first), (resume, end_of_part(text, cuts, resume, limit // 3))]
    shown = "\n\n(…)\n\n".join(text[a:b].strip() for a, b in parts)
    head = "(…)\n\n" if start > 0 else ""
    tail = f"\n\n… (read on: {where})" if parts[-1][1] < len(text) or text != whole else ""
    return f"{head}{shown}{tail}"


def end_of_part(text: str, cuts: list[int], start: int, limit: int) -> int:
    """Where a part from ``start`` ends: the last cut that fits, else a sentence that does."""
    fitting = [c for c in cuts if start < c <= start + limit]
    cut = fitting[-1] if fitting else next((c for c in cuts if c > start), len(text))
    return sentence_end(text, cut, start + limit) if cut - start < limit // 2 else cut


def sentence_end(text: str, cut: int, limit: int) -> int:
    """When the paragraph after ``cut`` is too long to fit and the quote would stop at less
    than half its room, the last whole sentence of that paragraph that fits (outside code)."""
    ends = [m.start() for m in _NEXT_SENTENCE.finditer(text, cut, limit)
            if "\n\n" not in text[cut + 1 : m.start()] and not in_code_at(text, m.start())]
    return ends[-1] if ends else cut


def row_ends(text: str) -> list[int]:
    """Where a quote may end inside a table: after a row below the header's rule, before
    the next row (a row is a whole item, as a list item is)."""
    ends, at, before = [], 0, ""
    for line in text.split("\n"):
        table_row = line.lstrip().startswith("|") and not _TABLE_RULE.match(line)
        if table_row and before.lstrip().startswith("|") and not _TABLE_RULE.match(before):
            ends.append(at - 1)
        at, before = at + len(line) + 1, line
    return ends


def found_at(text: str, passage: str) -> int:
    """Where the first line of ``passage`` that ``text`` holds begins in it (0: not found)."""
    return max(located(text, passage), 0)


def located(text: str, passage: str) -> int:
    """Where the first line of ``passage`` that ``text`` holds begins in it (-1: not found)."""
    for line in reflow(passage).splitlines():
        probe = line.strip()[:60]
        if len(probe) >= 20 and (at := text.find(probe)) >= 0:
            return at
    return -1


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
