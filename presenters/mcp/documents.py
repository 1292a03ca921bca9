"""The knowledge base's documents as MCP resources: listed a page at a time, read by URI
(``bot://documents/<path, URL-quoted>``), and watched for changes.

Each caller sees the collection its space searches. A client that subscribed to a document
(``resources/subscribe``, protocols up to 2025-11-25) or listens (``subscriptions/listen``,
2026-07-28) is told when ``bot ingest`` or a source sync changed it: the watcher compares the
collection's documents every ``WATCH_S`` seconds while anyone is subscribed.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, unquote

import mcp_types as types
from mcp.shared.exceptions import MCPError

from bot.documents import DocumentInfo, DocumentShelf
from presenters.mcp.callers import Caller

SCHEME = "bot://documents/"
PAGE = 50
INVALID_PARAMS = -32602


def document_uri(path: str) -> str:
    return SCHEME + quote(path, safe="")


def document_path(uri: str) -> str:
    """The document path a URI names; an MCP error for any other URI."""
    if not uri.startswith(SCHEME) or len(uri) == len(SCHEME):
        raise MCPError(INVALID_PARAMS, f"{uri!r} is not a document of this server; list "
                       f"resources for theirs (they start with {SCHEME})", {"uri": uri})
    return unquote(uri[len(SCHEME):])


def resource(info: DocumentInfo) -> types.Resource:
    return types.Resource(uri=document_uri(info.path), name=info.path,
                          title=info.title or None, description=info.source or None,
                          mime_type="text/plain")


def cursor_offset(cursor: str | None) -> int:
    """A ``resources/list`` cursor is the offset of the next page, as this server wrote it."""
    if cursor is None:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise MCPError(INVALID_PARAMS, "cursor must be a nextCursor this server returned")
    return int(cursor)


class Documents:
    """``resources/list`` and ``resources/read`` over the shelf, per caller's space."""

    def __init__(self, shelf: DocumentShelf) -> None:
        self.shelf = shelf

    async def list(self, caller: Caller, cursor: str | None) -> types.ListResourcesResult:
        page = await asyncio.to_thread(self.shelf.page, caller.space, cursor_offset(cursor),
                                       PAGE)
        following = None if page.next_offset is None else str(page.next_offset)
        return types.ListResourcesResult(resources=[resource(d) for d in page.documents],
                                         next_cursor=following)

    async def read(self, caller: Caller, uri: str) -> types.ReadResourceResult:
        found = await asyncio.to_thread(self.shelf.read, caller.space, document_path(uri))
        if found is None:
            raise MCPError(INVALID_PARAMS, f"no document at {uri}; it may have been removed "
                           "from the knowledge base", {"uri": uri})
        _, text = found
        return types.ReadResourceResult(contents=[types.TextResourceContents(
            uri=uri, text=text, mime_type="text/plain")])

    async def text(self, caller: Caller, uri: str) -> tuple[DocumentInfo, str]:
        """A document and its text, for prompts; an MCP error when there is none."""
        found = await asyncio.to_thread(self.shelf.read, caller.space, document_path(uri))
        if found is None:
            raise MCPError(INVALID_PARAMS, f"no document at {uri}", {"uri": uri})
        return found


def caller_scope_error(what: str, scope: str) -> MCPError:
    return MCPError(INVALID_PARAMS, f"your token does not grant {what}: it needs the scope "
                    f"{scope!r}")


def request_of(ctx: Any) -> Any:
    return getattr(ctx, "request", None)
