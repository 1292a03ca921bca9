"""``kind = "confluence"``: the pages of Confluence spaces (Cloud or Data Center) with their
place in the page tree, and the PDFs attached to them, read with atlassian-python-api.

Keys: ``page:<id>``, ``attachment:<id>``; versions: Confluence's version numbers; URLs: the
page's web UI link (an attachment's download link). Readers: the space's read permission,
narrowed by read restrictions on the page and its ancestors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import structlog

from sources.confluence_client import ConfluenceCalls, build_client
from sources.confluence_emails import account_emails
from sources.confluence_options import ConfluenceOptions
from sources.confluence_pages import list_pages, list_pdfs, page_entry, page_html
from sources.confluence_readers import (
    group_members,
    page_readers,
    read_restriction,
    space_readers,
)
from sources.http_faults import too_large
from sources.model import (
    AuthFailed,
    Entry,
    Listing,
    Malformed,
    Permissions,
    RateLimited,
    Readers,
    Skipped,
    SourceDocument,
    SourceError,
)
from sources.times import maybe_time

log = structlog.get_logger(__name__)
PAGE_EXPAND = "body.storage,version,ancestors,space"


class ConfluenceConnector:
    """Lists and fetches the pages and PDFs of the spaces in :class:`ConfluenceOptions`."""

    kind: ClassVar[str] = "confluence"
    Options: ClassVar[type[ConfluenceOptions]] = ConfluenceOptions

    def __init__(self, name: str, options: ConfluenceOptions) -> None:
        self.name = name
        self.options = options
        self._calls: ConfluenceCalls | None = None
        self._spaces: dict[str, Readers] = {}
        self._restricted: dict[str, tuple[str, ...]] = {}

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        """Every current page (and PDF attachment) of every configured space."""
        listing = Listing()
        self._spaces.clear()
        self._restricted.clear()  # restrictions may have changed since the last sync
        for space in self.options.spaces:
            try:
                listing.entries += self._list_space(space, listing)
            except (AuthFailed, RateLimited):
                raise
            except SourceError as exc:
                log.warning("confluence.listing_partial", source=self.name, space=space,
                            error=str(exc))
                listing.complete = False
                listing.problems.append(str(exc))
        return listing

    def fetch(self, entry: Entry) -> SourceDocument:
        """The page (as HTML under its heading path) or the PDF behind ``entry``."""
        kind, _, content_id = entry.key.partition(":")
        if kind == "attachment":
            return self._fetch_pdf(entry, content_id)
        page = self._client().get(f"rest/api/content/{content_id}", f"page {entry.title!r}",
                                  {"expand": PAGE_EXPAND})
        body, fresh = page_html(page), page_entry(page, self.options.base_url)
        return SourceDocument(entry=fresh, title=fresh.title, url=fresh.url,
                              modified=fresh.modified or _now(), readers=self._readers(page),
                              body=body, media_type="text/html")

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Each page's space permission and read restrictions (its own and its ancestors'),
        and the members of the groups they name; no page body is read."""
        self._spaces.clear()
        self._restricted.clear()
        read = Permissions()
        for key in keys:
            try:
                read.readers[key] = self._readers(self._page_of(key))
            except Skipped as exc:  # deleted (404): the next content sync removes it
                read.problems.append(f"{exc}: readable by nobody for now")
                read.readers[key] = Readers(why=str(exc))
        read.groups = group_members(self._client(), self.options.cloud,
                                    read.readers.values(), read.problems)
        named = [p for r in read.readers.values() for p in r.principals]
        members = [m for ms in read.groups.values() for m in ms]
        read.links = account_emails(self._client(), self.options.cloud, [*named, *members])
        return read

    def _page_of(self, key: str) -> dict[str, Any]:
        """The page behind ``key`` with its ancestors and space (an attachment's page)."""
        kind, _, content_id = key.partition(":")
        calls = self._client()
        if kind == "attachment":
            item = calls.get(f"rest/api/content/{content_id}", f"attachment {content_id}",
                             {"expand": "container"})
            content_id = str((item.get("container") or {}).get("id", ""))
            if not content_id:
                raise Malformed(f"Confluence answered attachment {key} without its page")
        return dict(calls.get(f"rest/api/content/{content_id}", f"page {content_id}",
                              {"expand": "ancestors,space"}))

    # ---- listing ---------------------------------------------------------------------
    def _list_space(self, space: str, listing: Listing) -> list[Entry]:
        calls = self._client()
        self._spaces[space] = space_readers(calls, space)
        entries = list_pages(calls, space, self.options.base_url)
        if self.options.attachments:
            entries += list_pdfs(calls, space, self.options.base_url)
        newest = max((e.modified for e in entries if e.modified), default=None)
        if newest is not None:
            listing.cursor[space] = newest.isoformat()
        return entries

    # ---- fetching --------------------------------------------------------------------
    def _fetch_pdf(self, entry: Entry, content_id: str) -> SourceDocument:
        what = f"attachment {entry.title!r}"
        if entry.size is not None and entry.size > self.options.max_bytes:
            raise too_large(what, entry.size, self.options.max_bytes)
        calls = self._client()
        item = calls.get(f"rest/api/content/{content_id}", what,
                         {"expand": "version,container"})
        try:
            container, link = str(item["container"]["id"]), str(item["_links"]["download"])
        except (KeyError, TypeError) as exc:
            raise Malformed(f"Confluence answered {what} without its page or link") from exc
        body = calls.download(link, what)
        if len(body) > self.options.max_bytes:
            raise too_large(what, len(body), self.options.max_bytes)
        page = calls.get(f"rest/api/content/{container}", f"the page of {what}",
                         {"expand": "ancestors,space"})
        modified = maybe_time((item.get("version") or {}).get("when")) or _now()
        return SourceDocument(entry=entry, title=entry.title, url=entry.url, modified=modified,
                              readers=self._readers(page), body=body,
                              media_type="application/pdf")

    def _readers(self, page: dict[str, Any]) -> Readers:
        space = str((page.get("space") or {}).get("key", ""))
        if not space:
            raise Malformed(f"Confluence answered page {page.get('id')} without its space")
        if space not in self._spaces:
            self._spaces[space] = space_readers(self._client(), space)
        chain = [page, *reversed(page.get("ancestors") or [])]
        levels = [(str(p.get("title", "")), self._restriction(str(p["id"]))) for p in chain]
        return page_readers(self._spaces[space], levels)

    def _restriction(self, content_id: str) -> tuple[str, ...]:
        if content_id not in self._restricted:
            self._restricted[content_id] = read_restriction(self._client(), content_id)
        return self._restricted[content_id]

    def _client(self) -> ConfluenceCalls:
        if self._calls is None:
            self._calls = ConfluenceCalls(build_client(self.options), self.options)
        return self._calls


def _now() -> datetime:
    return datetime.now(UTC)
