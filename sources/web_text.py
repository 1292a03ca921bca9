"""A web page's main text: navigation, banners, footers and sidebars dropped, links found.

Documentation generators mark their chrome with a few well-known elements and classes
(HTML5 ``nav``/``header``/``footer``/``aside``, ARIA roles, Sphinx's ``sphinxsidebar`` and
``related``, DocBook's ``navheader``/``navfooter``, Texinfo's ``header``/``nav-panel``);
where a page marks its content (``main``, ``role=main``, ``article``), only that is kept.
What remains goes to the knowledge base's own HTML loader, which sections it by headings,
so passages keep their heading path (a plain-text extractor would flatten it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag, urljoin

CHROME_TAGS = ("nav", "header", "footer", "aside")
CHROME_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search")
CHROME_CLASSES = frozenset(
    {
        "header",
        "footer",
        "nav",
        "navbar",
        "nav-panel",
        "navheader",
        "navfooter",
        "navigation",
        "breadcrumb",
        "breadcrumbs",
        "sidebar",
        "sphinxsidebar",
        "related",
        "skip-link",
        "menu",
    }
)


def parse(html: bytes) -> Any:
    """The page's lxml (libxml2) element tree, or None when it holds no markup. libxml2, as
    the knowledge base's HTML loader parses: BeautifulSoup on ``html.parser`` cost ~85 ms a
    page of the PostgreSQL manual, most of a 1,000-page crawl (docs/benchmarks.md)."""
    from knowledge.loaders.html_text import parse as parse_html

    return parse_html(html)


def links(root: Any, base_url: str) -> list[str]:
    """Every http(s) link of the page, absolute, without fragments, in page order."""
    if root is None:
        return []
    base = next((b for b in root.iter("base") if b.get("href")), None)
    base_url = urljoin(base_url, str(base.get("href"))) if base is not None else base_url
    found: dict[str, None] = {}
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if href is None:
            continue
        url = urldefrag(urljoin(base_url, href.strip()))[0]
        if url.startswith(("http://", "https://")):
            found.setdefault(url, None)
    return list(found)


def _chrome(element: Any) -> bool:
    if element.tag in CHROME_TAGS or element.get("role") in CHROME_ROLES:
        return True
    return any(c in CHROME_CLASSES for c in (element.get("class") or "").split())


def main_html(root: Any) -> bytes:
    """The page with its navigation removed (call after :func:`links`: this edits ``root``)."""
    from lxml import html

    if root is None:
        return b""
    for element in [e for e in root.iter() if isinstance(e.tag, str) and _chrome(e)]:
        if element.getparent() is not None:
            element.drop_tree()  # its tail (the text after it) stays
    main = next(root.iter("main"), None)
    if main is None:
        main = next((e for e in root.iter() if e.get("role") == "main"), None)
    if main is None:
        main = next(root.iter("article"), None)
    body = next(root.iter("body"), None)
    if main is not None and body is not None and main is not body:
        main.tail = None
        for child in list(body):
            body.remove(child)
        body.text = None
        body.append(main)
    _declare_utf8(root)
    return bytes(html.tostring(root, encoding="utf-8"))


def _declare_utf8(root: Any) -> None:
    """Say ``charset=utf-8`` first thing (what the bytes now are), dropping the page's own
    declaration: the loader reads the charset from the markup, else it guesses."""
    from lxml import etree

    for meta in list(root.iter("meta")):
        if (
            meta.get("charset") is not None
            or (meta.get("http-equiv") or "").lower() == "content-type"
        ):
            meta.drop_tree()
    head = next(root.iter("head"), None)
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    head.insert(0, etree.Element("meta", charset="utf-8"))


def title_of(root: Any) -> str:
    from knowledge.loaders.html_text import title_of as page_title

    return "" if root is None else page_title(root)
