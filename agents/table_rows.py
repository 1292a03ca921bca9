"""A long table cut down to the rows a question asks about.

A quote stops at about 1,600 characters, so a settings table of thirty rows shows its
first dozen, and the row that answers (``rerank_candidates``, the fault matrix's 429 row)
falls past the cut, while the rows shown answer nothing. When a section is too long to
quote whole, each of its tables with more than ``KEPT_ROWS`` rows keeps its header and the
rows that hold the most of the question's words, in the table's order, with a row of "…"
where rows were left out. A word held by half the rows or more tells them apart by nothing
("retried" in a fault matrix), so only rarer words (and numbers: a status code) count, each
the more the fewer rows hold it. A row is kept when it holds two of them, or when the
question names it (every word of its first cell is asked: `gemini` in "How do I use Gemini
as the model?"); one shared word alone ("app" of `app_mentions:read`, asked which tokens the
Slack app needs) is a coincidence, not the question's row. A table with no such row is left
whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection

from agents.wording import FENCE_MARK, content_words, stems

KEPT_ROWS = 6  # rows a cut-down table keeps at most (besides its header)
ROW_WORDS = 2  # telling words of the question a row must hold to be kept
GAP = "| … |"
_RULE = re.compile(r"^\s*\|[\s|:-]+\|?\s*$")  # the line under a table's header
_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")


def condensed(text: str, question: str) -> str:
    """``text`` (re-flowed: one table row a line) with each long table cut down to the rows
    holding the most of the ``question``'s words; unchanged without such a table."""
    asked = content_words(question) | set(_NUMBER.findall(question))
    lines = text.split("\n")
    out: list[str] = []
    i, in_code = 0, False
    while i < len(lines):
        end = i if in_code else _table_end(lines, i)
        if end == i:  # not a table (a table in a code block is the block's own text)
            in_code ^= lines[i].lstrip().startswith(FENCE_MARK)
            out.append(lines[i])
            i += 1
            continue
        out += [lines[i], lines[i + 1], *_rows_asked(lines[i + 2 : end], asked)]
        i = end
    return "\n".join(out)


def _table_end(lines: list[str], i: int) -> int:
    """Where the table whose header is line ``i`` ends (``i`` itself: no table there)."""
    if not (_is_row(lines[i]) and i + 1 < len(lines) and _RULE.match(lines[i + 1])):
        return i
    end = i + 2
    while end < len(lines) and _is_row(lines[end]):
        end += 1
    return end


def _is_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def _rows_asked(rows: list[str], asked: Collection[str]) -> list[str]:
    """The rows to show, in order, "…" rows where others were left out (all of them when
    the table is short or no row holds a telling word)."""
    if len(rows) <= KEPT_ROWS:
        return rows
    scores = row_scores(rows, asked)
    best = max(scores)
    if best <= 0:
        return rows
    ranked = sorted(range(len(rows)), key=lambda r: scores[r], reverse=True)
    kept = {r for r in ranked[:KEPT_ROWS] if scores[r] >= best / 2}
    shown: list[str] = []
    for r, row in enumerate(rows):
        if r in kept:
            shown.append(row)
        elif not shown or shown[-1] != GAP:
            shown.append(GAP)
    return shown


def row_scores(rows: list[str], asked: Collection[str]) -> list[float]:
    """Each row's share of the question: the rarity, log(rows / rows holding it), of each
    asked word it holds that fewer than half the rows hold; 0 for a row holding fewer than
    ``ROW_WORDS`` of them that the question does not name."""
    held = [stems(row) | set(_NUMBER.findall(row)) for row in rows]
    rarity = {}
    for word in asked:
        count = sum(word in h for h in held)
        if 0 < count < len(rows) / 2:
            rarity[word] = math.log(len(rows) / count)
    telling = [[r for w, r in rarity.items() if w in h] for h in held]
    return [sum(found) if len(found) >= ROW_WORDS or named(row, asked) else 0.0
            for row, found in zip(rows, telling, strict=True)]


def named(row: str, asked: Collection[str]) -> bool:
    """The question names the row: every word of its first cell is among the ``asked``."""
    first = stems(row.strip().strip("|").split("|", 1)[0])
    return bool(first) and first <= set(asked)
