"""HTML: the visible text only (no scripts, styles or hidden elements), sectioned by h1-h6.

The page is parsed by libxml2 (lxml) and walked once (:mod:`knowledge.loaders.html_text`).
"""

from __future__ import annotations

from pathlib import Path

from knowledge.documents import Document, SkipFile
from knowledge.loaders.headings import SectionBuilder
from knowledge.loaders.html_text import MARK, SPACES, body_of, parse, pieces, title_of
from knowledge.loaders.text import BINARY_SNIFF_BYTES


def load(data: bytes, path: Path) -> Document:
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise SkipFile("binary file (contains NUL bytes)")
    root = parse(data)
    if root is None:
        return Document(title=path.stem, sections=[], kind="html")
    title = title_of(root)
    builder = SectionBuilder()
    for line in "".join(pieces(body_of(root))).split("\n"):
        if line.startswith(MARK):
            _, level, heading = line.split(MARK, 2)
            builder.heading(int(level), heading)
        else:
            builder.line(SPACES.sub(" ", line).strip())
    sections = builder.finish()
    return Document(title=title or builder.first_title or path.stem, sections=sections, kind="html")
