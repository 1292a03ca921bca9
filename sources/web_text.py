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
CHROME_CLASSES = frozenset({
    "header", "footer", "nav", "navbar", "nav-panel", "navheader", "navfooter", "navigation",
    "breadcrumb", "breadcrumbs", "sidebar", "sphinxsidebar", "related", "skip-link", "menu",
})


def parse(html: bytes) -> Any:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def links(soup: Any, base_url: str) -> list[str]:
    """Every http(s) link of the page, absolute, without fragments, in page order."""
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, base["href"]) if base else base_url
    found: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        url = urldefrag(urljoin(base_url, str(anchor["href"]).strip()))[0]
        if url.startswith(("http://", "https://")):
            found.setdefault(url, None)
    return list(found)


def main_html(soup: Any) -> bytes:
    """The page with its navigation removed (call after :func:`links`: this edits ``soup``)."""
    for tag in soup.find_all(CHROME_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(attrs={"role": list(CHROME_ROLES)}):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(class_=lambda c: c in CHROME_CLASSES):
        if not tag.decomposed:
            tag.decompose()
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article")
    if main is not None and soup.body is not None:
        title = soup.title
        soup.body.clear()
        soup.body.append(main)
        if title is not None and soup.head is None:
            soup.insert(0, title)
    return str(soup).encode("utf-8")


def title_of(soup: Any) -> str:
    return soup.title.get_text(" ", strip=True) if soup.title else ""
