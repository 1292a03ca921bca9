"""AsciiDoc: section titles are lines starting with ``=`` (``= Document``, ``== Section``,
…); a ``=`` inside a delimited listing or literal block is code, not a title."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.documents import Document
from knowledge.loaders.headings import SectionBuilder
from knowledge.loaders.text import decode, normalise_newlines

TITLE = re.compile(r"^(={1,6})\s+(\S.*?)\s*=*\s*$")
DELIMITERS = ("----", "....", "```", "++++")  # listing, literal, fenced, passthrough


def load(data: bytes, path: Path) -> Document:
    builder = SectionBuilder()
    fence: str | None = None
    for line in normalise_newlines(decode(data)).split("\n"):
        fence = _fence_after(line, fence)
        title = TITLE.match(line) if fence is None else None
        if title:
            builder.heading(len(title.group(1)), title.group(2))
        else:
            builder.line(line)
    return Document(title=builder.first_title or path.stem, sections=builder.finish(),
                    kind="asciidoc")


def _fence_after(line: str, fence: str | None) -> str | None:
    """The delimiter of the block we are in after ``line`` (None: outside any block)."""
    stripped = line.rstrip()
    opener = next((d for d in DELIMITERS if stripped.startswith(d)
                   and set(stripped) == set(d)), None)
    if fence is None:
        return stripped if opener else None
    return None if stripped == fence else fence
