"""The visible text of an HTML page, walked once over an lxml (libxml2) tree.

Parsing took most of the ingest pipeline's main-thread time with BeautifulSoup on Python's
``html.parser`` (a pure-Python tokenizer building a Python object per tag); libxml2 parses in
C and the walk below yields the same strings in one pass, without editing the tree. What it
yields is what the BeautifulSoup version produced (same chunks on the whole PostgreSQL and
Python manuals, ``benchmarks/html_same_chunks.py``): scripts, styles, hidden elements and
comments dropped; a heading becomes one marker line; ``<br>`` a line break; a block element
a paragraph break on each side.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import Any

INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
)
BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "ul", "ol",
     "li", "dl", "dt", "dd", "table", "tr", "blockquote", "pre", "figure", "figcaption", "form"}
)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
MARK = "\x00"
SPACES = re.compile(r"[ \t\u00a0]+")


def parse(data: bytes) -> Any:
    """The page's element tree (the charset found as BeautifulSoup finds it), or None."""
    from bs4.dammit import UnicodeDammit
    from lxml import etree, html

    text = UnicodeDammit(data, is_html=True).unicode_markup or ""
    if not text.strip():
        return None
    parser = html.HTMLParser(encoding="utf-8", huge_tree=True)  # no depth limit of 256
    try:
        return html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError:  # nothing but comments or a declaration
        return None


def title_of(root: Any) -> str:
    """The first ``<title>``'s text, its strings stripped and joined by spaces."""
    title = next(root.iter("title"), None)
    return "" if title is None else joined(title)


def body_of(root: Any) -> Any:
    return next(root.iter("body"), root)


def joined(element: Any) -> str:
    """The visible strings under ``element``, each stripped, joined by single spaces."""
    return " ".join(s.strip() for s in pieces(element, structure=False) if s.strip())


def hidden(element: Any) -> bool:
    """Not shown to a reader: an invisible element, or hidden by attribute or inline style."""
    if element.tag in INVISIBLE or element.get("hidden") is not None:
        return True
    if element.get("aria-hidden") == "true":
        return True
    return bool(HIDDEN_STYLE.search(element.get("style") or ""))


def pieces(root: Any, structure: bool = True) -> Iterator[str]:
    """The text under ``root`` in document order; with ``structure``, heading marker lines
    and the line and paragraph breaks that elements stand for. An explicit stack, not
    recursion: a page may nest deeper than Python's recursion limit."""
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            if structure and element.tag in BLOCKS:
                yield "\n\n"
        elif (isinstance(element.tag, str) and not hidden(element)
              and (yield from _open(element, stack, structure))):
            continue  # its children and its closing are queued
        if element is not root and element.tail:
            yield element.tail


def _open(
    element: Any, stack: list[tuple[Any, bool]], structure: bool
) -> Generator[str, None, bool]:
    """An element's own start: a marker or a break (False: nothing inside to visit), or
    its text, its children queued (True)."""
    tag = element.tag
    if structure and tag in HEADINGS:
        yield f"\n{MARK}{tag[1]}{MARK}{SPACES.sub(' ', joined(element))}\n"
        return False
    if structure and tag == "br":
        yield "\n"
        return False
    if structure and tag in BLOCKS:
        yield "\n\n"
    if element.text:
        yield element.text
    stack.append((element, True))
    stack.extend((child, False) for child in reversed(element))
    return True
