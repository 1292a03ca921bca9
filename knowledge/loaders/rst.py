"""reStructuredText: section titles are lines underlined (and maybe overlined) with
punctuation; levels follow the order in which each adornment style first appears."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.documents import Document
from knowledge.loaders.headings import SectionBuilder
from knowledge.loaders.text import decode, normalise_newlines

ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")


def load(data: bytes, path: Path) -> Document:
    lines = normalise_newlines(decode(data)).split("\n")
    builder = SectionBuilder()
    styles: list[tuple[str, bool]] = []
    i = 0
    while i < len(lines):
        consumed = _title_at(lines, i)
        if consumed is None:
            builder.line(lines[i])
            i += 1
            continue
        title, style, width = consumed
        if style not in styles:
            styles.append(style)
        builder.heading(styles.index(style) + 1, title)
        i += width
    return Document(title=builder.first_title or path.stem, sections=builder.finish(), kind="rst")


def _title_at(lines: list[str], i: int) -> tuple[str, tuple[str, bool], int] | None:
    """(title, (char, overlined), lines used) when a section title starts at line ``i``."""
    line = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    over = ADORNMENT.match(line)
    if over and i + 2 < len(lines) and lines[i + 1].strip():
        under = ADORNMENT.match(lines[i + 2])
        if under and under.group(1) == over.group(1):
            return lines[i + 1].strip(), (over.group(1), True), 3
    under = ADORNMENT.match(nxt)
    text = line.strip()
    if under and text and not ADORNMENT.match(line) and len(nxt.rstrip()) >= len(text):
        return text, (under.group(1), False), 2
    return None
