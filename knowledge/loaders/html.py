"""HTML: the visible text only (no scripts, styles or hidden elements), sectioned by h1-h6."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from knowledge.documents import Document, SkipFile
from knowledge.loaders.headings import SectionBuilder
from knowledge.loaders.text import BINARY_SNIFF_BYTES

INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")
BLOCKS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "footer",
    "nav",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "form",
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
MARK = "\x00"
SPACES = re.compile(r"[ \t\u00a0]+")


def load(data: bytes, path: Path) -> Document:
    from bs4 import BeautifulSoup

    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise SkipFile("binary file (contains NUL bytes)")
    soup = BeautifulSoup(data, "html.parser")  # bs4 reads the page's declared charset
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    _drop_invisible(soup)
    _mark_structure(soup)
    builder = SectionBuilder()
    for line in (soup.body or soup).get_text().split("\n"):
        if line.startswith(MARK):
            _, level, heading = line.split(MARK, 2)
            builder.heading(int(level), heading)
        else:
            builder.line(SPACES.sub(" ", line).strip())
    sections = builder.finish()
    return Document(title=title or builder.first_title or path.stem, sections=sections, kind="html")


def _drop_invisible(soup: Any) -> None:
    for tag in soup.find_all(INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        hidden = tag.has_attr("hidden") or tag.get("aria-hidden") == "true"
        if hidden or HIDDEN_STYLE.search(str(tag.get("style") or "")):
            tag.decompose()


def _mark_structure(soup: Any) -> None:
    """Headings become marker lines; block elements become paragraph breaks."""
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        text = SPACES.sub(" ", tag.get_text(" ", strip=True))
        tag.replace_with(f"\n{MARK}{tag.name[1]}{MARK}{text}\n")
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
