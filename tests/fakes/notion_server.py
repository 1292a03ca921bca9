"""A fake Notion API (version 2025-09-03), as developers.notion.com describes it.

``POST /v1/search`` and ``GET /v1/blocks/{id}/children`` paginate with ``start_cursor`` /
``next_cursor`` / ``has_more``; errors are ``{"object": "error", "status", "code",
"message"}`` (``unauthorized``, ``object_not_found``, ``rate_limited`` with
``Retry-After``); every request must carry ``Notion-Version`` and a Bearer token.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.http_thread import Faults, ThreadServer

TOKEN = "ntn_fake_integration_secret"
WORKSPACE_ID = "7c1e0000-0000-4000-8000-00000000a11c"


def text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}, "plain_text": content,
             "href": None, "annotations": {}}]


def block(kind: str, content: str = "", children: list[dict[str, Any]] | None = None,
          **extra: Any) -> dict[str, Any]:
    """A block as a test writes it; ``children`` become nested blocks."""
    value: dict[str, Any] = {"rich_text": text(content), **extra} if content else dict(extra)
    return {"object": "block", "id": str(uuid.uuid4()), "type": kind, kind: value,
            "has_children": bool(children), "_children": children or []}


@dataclass
class NotionPage:
    id: str
    title: str
    blocks: list[dict[str, Any]]
    edited: str
    database: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    in_trash: bool = False


class FakeNotion:
    """``with FakeNotion() as n:`` then ``n.base_url`` is the source's ``base_url``."""

    def __init__(self, page_size: int = 100) -> None:
        self.page_size = page_size
        self.pages: dict[str, NotionPage] = {}
        self.faults = Faults()
        self._clock = itertools.count(1)
        self._server = ThreadServer(self._app(), self.faults)
        self.base_url = self._server.url

    def __enter__(self) -> FakeNotion:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)

    # ---- what tests change -------------------------------------------------------------
    def add_page(self, title: str, blocks: list[dict[str, Any]], database: str | None = None,
                 **properties: Any) -> NotionPage:
        page = NotionPage(str(uuid.uuid4()), title, blocks, self._tick(), database, properties)
        self.pages[page.id] = page
        return page

    def edit(self, page_id: str, blocks: list[dict[str, Any]]) -> None:
        self.pages[page_id].blocks, self.pages[page_id].edited = blocks, self._tick()

    def url(self, page: NotionPage) -> str:
        return f"https://www.notion.so/{page.title.replace(' ', '-')}-{page.id.replace('-', '')}"

    def _tick(self) -> str:
        return f"2026-01-01T10:{next(self._clock):02d}:00.000Z"

    # ---- the API -----------------------------------------------------------------------
    def _app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/search", self._search, methods=["POST"]),
            Route("/v1/pages/{id}", self._page),
            Route("/v1/blocks/{id}/children", self._children),
            Route("/v1/users/me", self._me),
        ])

    def _error(self, status: int, code: str, message: str) -> JSONResponse:
        return JSONResponse({"object": "error", "status": status, "code": code,
                             "message": message, "request_id": str(uuid.uuid4())}, status)

    def _refused(self, request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return self._error(401, "unauthorized", "API token is invalid.")
        if not request.headers.get("notion-version"):
            return self._error(400, "missing_version", "Notion-Version header failed validation")
        return None

    def _page_json(self, page: NotionPage) -> dict[str, Any]:
        parent = ({"type": "data_source_id", "data_source_id": page.database,
                   "database_id": page.database} if page.database
                  else {"type": "workspace", "workspace": True})
        properties = {"Name": {"id": "title", "type": "title", "title": text(page.title)}}
        properties |= page.properties
        return {"object": "page", "id": page.id, "created_time": "2026-01-01T00:00:00.000Z",
                "last_edited_time": page.edited, "in_trash": page.in_trash,
                "archived": page.in_trash, "url": self.url(page), "parent": parent,
                "properties": properties}

    def _list(self, items: list[Any], cursor: str | None, size: int) -> JSONResponse:
        start = int(cursor) if cursor else 0
        size = min(size, self.page_size)
        more = start + size < len(items)
        return JSONResponse({"object": "list", "results": items[start: start + size],
                             "next_cursor": str(start + size) if more else None,
                             "has_more": more, "type": "page_or_data_source",
                             "page_or_data_source": {}})

    async def _search(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        body = await request.json()
        wanted = (body.get("filter") or {}).get("value")
        if wanted not in (None, "page", "data_source"):
            return self._error(400, "validation_error",
                               'body.filter.value should be "page" or "data_source"')
        pages = [self._page_json(p) for p in self.pages.values()] if wanted != "data_source" else []
        return self._list(pages, body.get("start_cursor"), int(body.get("page_size", 100)))

    async def _page(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        page = self.pages.get(request.path_params["id"])
        if page is None:
            return self._error(404, "object_not_found", "Could not find page with ID.")
        return JSONResponse(self._page_json(page))

    def _find_block(self, block_id: str, blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
        for item in blocks:
            if item["id"] == block_id:
                return item
            found = self._find_block(block_id, item["_children"])
            if found:
                return found
        return None

    async def _children(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        block_id = request.path_params["id"]
        if block_id in self.pages:
            children = self.pages[block_id].blocks
        else:
            parent = next((b for p in self.pages.values()
                           if (b := self._find_block(block_id, p.blocks))), None)
            if parent is None:
                return self._error(404, "object_not_found", "Could not find block with ID.")
            children = parent["_children"]
        shown = [{k: v for k, v in b.items() if k != "_children"} for b in children]
        return self._list(shown, request.query_params.get("start_cursor"),
                          int(request.query_params.get("page_size", 100)))

    async def _me(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        return JSONResponse({"object": "user", "id": str(uuid.uuid4()), "type": "bot",
                             "name": "Bot", "bot": {"owner": {"type": "workspace",
                                                              "workspace": True},
                                                    "workspace_name": "Acme",
                                                    "workspace_id": WORKSPACE_ID}})
