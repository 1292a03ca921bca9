"""``kind = "web"``: a web site crawled from ``start_urls`` and/or a ``sitemap``.

Listing a site means crawling it: each page is requested once per sync, conditionally
(``If-None-Match``/``If-Modified-Since`` from the cursor), so an unchanged page costs a
``304`` and no body; its links are remembered in the cursor so the crawl goes on past it.
A page's key is the URL its redirects end at, so duplicates and redirect chains collapse
into one document; a redirect loop is reported and skipped (no page lives there). A server
error, a timeout or a page that now answers 401/403 marks the listing incomplete, so
nothing is deleted; 404 and 410 mean the page is gone. Same-site by default,
include/exclude globs, robots.txt and its Crawl-delay honoured, ``max_pages`` at most.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from fnmatch import fnmatchcase
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sources import web_text
from sources.model import (
    PUBLIC,
    Entry,
    Listing,
    Malformed,
    Permissions,
    Readers,
    SourceDocument,
    SourceError,
    Unavailable,
)
from sources.web_http import Page, PoliteClient
from sources.web_sitemap import sitemap_urls

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown",
              "application/pdf")


class WebOptions(BaseModel):
    """``[sources.NAME]`` options of a web source."""

    model_config = ConfigDict(extra="forbid")

    start_urls: list[str] = Field(default_factory=list, description="where the crawl starts")
    sitemap: str | None = Field(None, description="a sitemap.xml (or sitemap index) URL")
    same_site: bool = Field(True, description="follow links only to the start URLs' sites")
    include: list[str] = Field(default_factory=list, description="URL globs to keep (all)")
    exclude: list[str] = Field(default_factory=list, description="URL globs to leave out")
    max_pages: int = Field(1000, ge=1, description="at most this many pages")
    rate_per_s: float = Field(2.0, gt=0, le=1000,
                              description="requests per second at most (above 50: your own "
                                          "server, or one that said it can take it)")
    timeout_s: float = Field(30.0, gt=0)
    max_page_mb: float = Field(50.0, gt=0, description="larger answers are not read")
    user_agent: str = "bot-sources/1.0 (+knowledge-base sync)"
    readers: list[str] = Field(default_factory=lambda: [PUBLIC])

    @field_validator("start_urls")
    @classmethod
    def _absolute(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http(s) URL. Fix: e.g. https://docs.example.com/")
        return urls

    @model_validator(mode="after")
    def _somewhere_to_start(self) -> WebOptions:
        if not self.start_urls and not self.sitemap:
            raise ValueError("a web source needs start_urls or sitemap. "
                             "Fix: start_urls = [\"https://docs.example.com/\"]")
        return self


class WebConnector:
    """A site crawled politely; pages fetched during the listing are kept for ``fetch``."""

    kind: ClassVar[str] = "web"
    Options: ClassVar[type[BaseModel]] = WebOptions

    def __init__(self, name: str, options: WebOptions) -> None:
        self.name = name
        self.options = options
        principals = tuple(r for r in options.readers if r != PUBLIC)
        self.readers = Readers(PUBLIC in options.readers, principals, f"sources.{name}.readers")
        self.client = PoliteClient(options.user_agent, options.rate_per_s, options.timeout_s,
                                   int(options.max_page_mb * 1_000_000))
        roots = options.start_urls + ([options.sitemap] if options.sitemap else [])
        self.sites = {urlsplit(u).netloc for u in roots}
        self._pages: dict[str, tuple[Page, str]] = {}  # key -> (page, content type)

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Every document's readers are ``readers`` from bot.toml (read again at start)."""
        return Permissions(readers=dict.fromkeys(keys, self.readers))

    def wanted(self, url: str) -> bool:
        """Same site (unless off), matching include, not exclude: before robots.txt."""
        if self.options.same_site and urlsplit(url).netloc not in self.sites:
            return False
        if self.options.include and not any(fnmatchcase(url, p) for p in self.options.include):
            return False
        return not any(fnmatchcase(url, p) for p in self.options.exclude)

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        listing = Listing()
        self._pages.clear()
        queue: deque[str] = deque(self.options.start_urls)
        if self.options.sitemap:
            queue.extend(self._from_sitemap(listing))
        seen: set[str] = set()
        while queue and len(listing.entries) < self.options.max_pages:
            url = queue.popleft()
            if url in seen or not self.wanted(url) or not self.client.allowed(url):
                continue
            seen.add(url)
            queue.extend(self._visit(url, cursor, listing, seen))
        if queue and len(listing.entries) >= self.options.max_pages:
            listing.problems.append(f"stopped at max_pages = {self.options.max_pages}")
        return listing

    def _from_sitemap(self, listing: Listing) -> list[str]:
        try:
            return sitemap_urls(self.client, str(self.options.sitemap))
        except SourceError as exc:
            listing.complete = False
            listing.problems.append(f"sitemap {self.options.sitemap}: {exc}")
            return []

    def _visit(self, url: str, cursor: dict[str, str], listing: Listing,
               seen: set[str]) -> list[str]:
        """Request one page; add its entry; return its links."""
        known = json.loads(cursor.get(url, "{}"))
        try:
            page = self.client.get(url, _conditional(known))
        except Malformed as exc:  # a redirect loop: no page lives there (not a failure)
            listing.problems.append(str(exc))
            return []
        except SourceError as exc:
            return self._failed(url, str(exc), known, listing)
        key = page.url
        if page.status >= 500 or page.status in (401, 403, 429):  # not "gone": unknown
            return self._failed(url, f"answered {page.status}", known, listing)
        if page.status >= 400 or (key != url and key in seen):
            return []  # gone (404/410), forbidden, or a duplicate reached by a redirect
        seen.add(key)
        if page.status == 304:
            return self._unchanged(key, known, listing)
        return self._changed(key, page, listing)

    def _failed(self, url: str, why: str, known: dict[str, Any],
                listing: Listing) -> list[str]:
        listing.complete = False
        listing.problems.append(f"{url}: {why}")
        if known:  # keep what we knew, so its links are still crawled
            listing.cursor[url] = json.dumps(known)
            listing.entries.append(_entry(url, known))
        return list(known.get("links", [])) if known else []

    def _unchanged(self, key: str, known: dict[str, Any], listing: Listing) -> list[str]:
        listing.cursor[key] = json.dumps(known)
        listing.entries.append(_entry(key, known))
        return list(known.get("links", []))

    def _changed(self, key: str, page: Page, listing: Listing) -> list[str]:
        media_type = page.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in TEXT_TYPES:
            return []
        found: list[str] = []
        title = ""
        body = page.body
        if media_type in ("text/html", "application/xhtml+xml") and body:
            root = web_text.parse(body)
            found, title = web_text.links(root, key), web_text.title_of(root)
            body = web_text.main_html(root)
        known = {"etag": page.headers.get("etag", ""),
                 "modified": page.headers.get("last-modified", ""),
                 "version": hashlib.sha256(body).hexdigest()[:24] if page.body else "",
                 "title": title, "size": page.size, "links": found}
        listing.cursor[key] = json.dumps(known)
        listing.entries.append(_entry(key, known))
        self._pages[key] = (Page(key, page.status, page.headers, body, page.size), media_type)
        return found

    def fetch(self, entry: Entry) -> SourceDocument:
        cached = self._pages.pop(entry.key, None)
        if cached is None:  # known unchanged by the server, but not yet indexed here
            page = self.client.get(entry.key)
            if page.status != 200:
                raise Unavailable(f"{entry.key} answered {page.status}")
            media_type = page.headers.get("content-type", "").split(";")[0].strip().lower()
            body = web_text.main_html(web_text.parse(page.body)) if "html" in media_type \
                else page.body
            cached = (Page(page.url, 200, page.headers, body, page.size), media_type)
        page, media_type = cached
        return SourceDocument(entry, title=entry.title, url=entry.url,
                              modified=entry.modified or datetime.now(UTC),
                              readers=self.readers, body=page.body, media_type=media_type)


def _conditional(known: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if known.get("etag"):
        headers["If-None-Match"] = str(known["etag"])
    if known.get("modified"):
        headers["If-Modified-Since"] = str(known["modified"])
    return headers


def _entry(url: str, known: dict[str, Any]) -> Entry:
    modified = None
    if known.get("modified"):
        try:
            modified = parsedate_to_datetime(str(known["modified"])).astimezone(UTC)
        except (TypeError, ValueError):
            modified = None
    size = int(known.get("size") or 0)
    return Entry(url, str(known.get("version") or ""), url=url, title=str(known.get("title", "")),
                 modified=modified, size=size or None)
