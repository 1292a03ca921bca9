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
INVISIBLE_SET, BLOCKS_SET = frozenset(INVISIBLE), frozenset(BLOCKS)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
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


def _tags(soup: Any, names: frozenset[str] | None = None) -> list[Any]:
    """Tags in document order, all or those named ``names``: bs4's own ``find_all`` runs its
    general matcher on every element, several times slower than this one set lookup."""
    from bs4 import Tag

    return [t for t in soup.descendants
            if isinstance(t, Tag) and (names is None or t.name in names)]


def _drop_invisible(soup: Any) -> None:
    for tag in _tags(soup, INVISIBLE_SET):
        tag.decompose()
    for tag in _tags(soup):
        # not `tag.decomposed`: on a Tag that never was, bs4 looks the attribute up as a
        # child tag named "_decomposed", a search of the whole subtree for every element
        if vars(tag).get("_decomposed") or tag.attrs is None:
            continue
        hidden = tag.has_attr("hidden") or tag.get("aria-hidden") == "true"
        if hidden or HIDDEN_STYLE.search(str(tag.get("style") or "")):
            tag.decompose()


def _mark_structure(soup: Any) -> None:
    """Headings become marker lines; block elements become paragraph breaks."""
    for tag in _tags(soup, HEADINGS):
        text = SPACES.sub(" ", tag.get_text(" ", strip=True))
        tag.replace_with(f"\n{MARK}{tag.name[1]}{MARK}{text}\n")
    for tag in _tags(soup, frozenset({"br"})):
        tag.replace_with("\n")
    for tag in _tags(soup, BLOCKS_SET):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
