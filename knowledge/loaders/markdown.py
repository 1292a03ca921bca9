"""Markdown: ATX (``# Title``) and setext (underlined) headings, code fences kept intact."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.documents import Document
from knowledge.loaders.headings import SectionBuilder
from knowledge.loaders.text import decode, normalise_newlines

ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body) for a file that opens with a ``---`` YAML block."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[4:end], text[end + 4 :].lstrip("-\n")
    return "", text


def load(data: bytes, path: Path) -> Document:
    front, body = split_front_matter(normalise_newlines(decode(data)))
    builder = SectionBuilder()
    lines = body.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        fence_match = FENCE.match(line)
        if fence_match and (fence is None or fence_match.group(1)[0] == fence[0]):
            fence = None if fence else fence_match.group(1)
            builder.line(line)
            continue
        if fence is None and _heading(builder, line, lines, i):
            continue
        builder.line(line)
    match = FRONT_TITLE.search(front)
    title = (match.group(1) if match else None) or builder.first_title or path.stem
    return Document(title=title, sections=builder.finish(), kind="markdown")


def _heading(builder: SectionBuilder, line: str, lines: list[str], i: int) -> bool:
    """Handle ``line`` if it is a heading (or a setext underline); True when handled."""
    atx = ATX.match(line)
    if atx:
        builder.heading(len(atx.group(1)), atx.group(2))
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    underline = SETEXT.match(nxt)
    if underline and line.strip() and not line.startswith(("    ", "\t", "-", "*", ">")):
        builder.heading(1 if underline.group(1)[0] == "=" else 2, line)
        lines[i + 1] = ""  # the underline itself is not text
        return True
    return False
