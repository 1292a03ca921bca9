"""Page URLs from a sitemap (``<urlset>``) or a sitemap index (``<sitemapindex>``)."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from sources.model import Malformed, Unavailable

if TYPE_CHECKING:
    from sources.web_http import PoliteClient

MAX_SITEMAPS = 50


def sitemap_urls(client: PoliteClient, url: str) -> list[str]:
    """Every ``<loc>`` of the sitemap at ``url``, following an index (a few levels at most)."""
    todo, done = [url], 0
    pages: list[str] = []
    while todo and done < MAX_SITEMAPS:
        root = _read(client, todo.pop(0))
        done += 1
        locs = [(e.text or "").strip() for e in root.iter() if e.tag.endswith("loc")]
        if root.tag.endswith("sitemapindex"):
            todo.extend(locs)
        else:
            pages.extend(u for u in locs if u)
    return pages


def _read(client: PoliteClient, url: str) -> ElementTree.Element:
    page = client.get(url)
    if page.status != 200:
        raise Unavailable(f"answered {page.status}")
    body = gzip.decompress(page.body) if page.body[:2] == b"\x1f\x8b" else page.body
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise Malformed(f"not a sitemap: {exc}") from exc
