"""``kind = "notion"``: the pages shared with a Notion integration (rows of shared databases
included), read with notion-client and written out as Markdown.

Keys: ``page:<id>``; version: ``last_edited_time``; URL: the page's ``url``. Readers: the
API does not say whom a page is shared with, so every page is recorded as readable by the
workspace (``notion-workspace:<id or name>``) and ``why`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import structlog

from sources.model import (
    AuthFailed,
    Entry,
    Listing,
    Permissions,
    RateLimited,
    Readers,
    SourceDocument,
    SourceError,
)
from sources.notion_api import NotionCalls, build_client
from sources.notion_options import NotionOptions
from sources.notion_pages import (
    PageText,
    in_database,
    page_entry,
    properties_markdown,
    settled,
)

log = structlog.get_logger(__name__)
PAGES_ONLY = {"property": "object", "value": "page"}


class NotionConnector:
    """Lists and fetches the pages a Notion integration can see."""

    kind: ClassVar[str] = "notion"
    Options: ClassVar[type[NotionOptions]] = NotionOptions

    def __init__(self, name: str, options: NotionOptions) -> None:
        self.name = name
        self.options = options
        self._calls: NotionCalls | None = None
        self._readers: Readers | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        """Every page the search endpoint returns for the integration."""
        listing = Listing()
        calls = self._client()
        search = calls.client.search
        try:
            for page in calls.pages("the pages shared with the integration", search,
                                    filter=PAGES_ONLY, page_size=self.options.page_size):
                self._add(listing, page)
        except (AuthFailed, RateLimited):
            raise
        except SourceError as exc:
            self._partial(listing, exc)
        newest = max((str(e.modified.isoformat()) for e in listing.entries if e.modified),
                     default="")
        # a partial listing keeps the old cursor: what it missed must be looked at again
        complete = listing.complete and newest
        listing.cursor = {"last_edited_time": newest} if complete else dict(cursor)
        return listing

    def fetch(self, entry: Entry) -> SourceDocument:
        """The page as Markdown: title, database properties, then its blocks."""
        calls = self._client()
        page_id = entry.key.removeprefix("page:")
        page = calls.call(f"page {entry.title!r}", calls.client.pages.retrieve, page_id=page_id)
        fresh = settled(page_entry(page), self.clock())
        text = PageText(calls, fresh.title, self.options.max_bytes).read(page_id)
        parts = [f"# {fresh.title}", "\n".join(properties_markdown(page)), text]
        body = "\n\n".join(p for p in parts if p) + "\n"
        return SourceDocument(entry=fresh, title=fresh.title, url=fresh.url,
                              modified=fresh.modified or entry.modified or datetime.now(UTC),
                              readers=self._workspace_readers(), body=body.encode(),
                              media_type="text/markdown")

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Every page is its workspace's (the API names no other readers)."""
        self._readers = None  # the token may have moved to another workspace
        return Permissions(readers=dict.fromkeys(keys, self._workspace_readers()))

    def _add(self, listing: Listing, page: list[Any]) -> None:
        for item in page:
            if item.get("in_trash") or item.get("archived"):
                continue  # trashed pages still come back from search for a while
            if in_database(item) and not self.options.databases:
                continue
            try:
                listing.entries.append(settled(page_entry(item), self.clock()))
            except SourceError as exc:
                self._partial(listing, exc)

    def _partial(self, listing: Listing, exc: SourceError) -> None:
        log.warning("notion.listing_partial", source=self.name, error=str(exc))
        listing.complete = False
        listing.problems.append(str(exc))

    def _workspace_readers(self) -> Readers:
        if self._readers is None:
            workspace = self.options.workspace or self._workspace_of_token()
            self._readers = Readers(
                principals=(f"notion-workspace:{workspace}",),
                why=f"Notion workspace {workspace}: the API does not say whom a page is "
                    "shared with, only that this integration can read it")
        return self._readers

    def _workspace_of_token(self) -> str:
        calls = self._client()
        me = calls.call("the integration's own user", calls.client.users.me)
        bot = me.get("bot") or {}
        return str(bot.get("workspace_id") or bot.get("workspace_name") or "unknown")

    def _client(self) -> NotionCalls:
        if self._calls is None:
            self._calls = NotionCalls(build_client(self.options), self.options.token_env)
        return self._calls
