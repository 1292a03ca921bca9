"""A fake Confluence REST API (v1), Cloud or Data Center flavour, for the connector tests.

As the REST reference describes: content lists page with ``start``/``limit`` and a
``_links.next`` (Data Center: ``start=``; Cloud: an opaque ``cursor=``), ``expand`` decides
what comes back, errors carry ``statusCode``/``message``/``reason``, Cloud answers 429 with
``Retry-After``. Cloud signs in with basic auth (e-mail + API token), Data Center with a
personal access token as a Bearer token.
"""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.http_thread import Faults, ThreadServer

USER, API_TOKEN, PAT = "ana@acme.example", "atl-api-token-123", "dc-pat-456"


@dataclass
class Page:
    id: str
    space: str
    title: str
    body: str
    parent: str | None = None
    version: int = 1
    when: str = "2026-01-01T09:00:00.000Z"
    users: list[str] = field(default_factory=list)  # read restrictions
    groups: list[str] = field(default_factory=list)


@dataclass
class Attachment:
    id: str
    page: str
    title: str
    data: bytes
    media: str = "application/pdf"
    version: int = 1
    when: str = "2026-01-01T09:00:00.000Z"


@dataclass
class Space:
    key: str
    groups: list[str] = field(default_factory=list)
    anonymous: bool = False


class FakeConfluence:
    """``with FakeConfluence(cloud=True) as c:`` then ``c.base_url`` is the source's base_url."""

    def __init__(self, cloud: bool = True, page_size: int = 100) -> None:
        self.cloud = cloud
        self.context = "/wiki" if cloud else "/confluence"
        self.page_size = page_size
        self.spaces: dict[str, Space] = {}
        self.pages: dict[str, Page] = {}
        self.attachments: dict[str, Attachment] = {}
        self.groups: dict[str, list[str]] = {}  # group name -> accountIds (usernames on DC)
        self.emails: dict[str, str] = {}  # accountId (username on DC) -> e-mail
        self.emails_visible = True  # False: Cloud's privacy setting hides them ("email": "")
        self.faults = Faults()
        self._ids = itertools.count(1001)
        self._server = ThreadServer(self._app(), self.faults)
        self.base_url = self._server.url + self.context

    def __enter__(self) -> FakeConfluence:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)

    # ---- what tests change -------------------------------------------------------------
    def add_page(self, space: str, title: str, body: str, parent: str | None = None) -> Page:
        self.spaces.setdefault(space, Space(space))
        page = Page(str(next(self._ids)), space, title, body, parent)
        self.pages[page.id] = page
        return page

    def edit(self, page_id: str, body: str) -> None:
        page = self.pages[page_id]
        page.body, page.version = body, page.version + 1
        page.when = f"2026-02-{page.version:02d}T09:00:00.000Z"

    def attach(self, page_id: str, title: str, data: bytes, media: str = "application/pdf") -> str:
        att = Attachment(f"att{next(self._ids)}", page_id, title, data, media)
        self.attachments[att.id] = att
        return att.id

    # ---- the API -----------------------------------------------------------------------
    def _app(self) -> Starlette:
        api = self.context + "/rest/api"
        return Starlette(routes=[
            Route(api + "/space/{key}", self._space),
            Route(api + "/content", self._content_list),
            Route(api + "/content/search", self._search),
            Route(api + "/content/{id}", self._content),
            Route(api + "/content/{id}/restriction/byOperation/read", self._restriction),
            Route(api + "/group/member", self._group_members),
            Route(api + "/group/{name}/member", self._group_members),
            Route(api + "/user", self._user),
            Route(self.context + "/download/attachments/{page}/{name}", self._download),
        ])

    def _error(self, status: int, message: str, reason: str) -> JSONResponse:
        return JSONResponse({"statusCode": status, "data": {"authorized": status != 401},
                             "message": message, "reason": reason}, status)

    def _refused(self, request: Request) -> JSONResponse | None:
        header = request.headers.get("authorization", "")
        if self.cloud:
            good = "Basic " + base64.b64encode(f"{USER}:{API_TOKEN}".encode()).decode()
        else:
            good = f"Bearer {PAT}"
        if header != good:
            return self._error(401, "Client must be authenticated to access this resource.",
                               "Unauthorized")
        return None

    def _ancestors(self, page: Page) -> list[dict[str, Any]]:
        chain: list[dict[str, Any]] = []
        parent = page.parent
        while parent:
            up = self.pages[parent]
            chain.insert(0, {"id": up.id, "type": "page", "title": up.title})
            parent = up.parent
        return chain

    def _page_json(self, page: Page, expand: str) -> dict[str, Any]:
        webui = (f"/spaces/{page.space}/pages/{page.id}/{quote(page.title)}" if self.cloud
                 else f"/display/{page.space}/{quote(page.title)}")
        data: dict[str, Any] = {"id": page.id, "type": "page", "status": "current",
                                "title": page.title,
                                "_links": {"webui": webui, "self": f"/rest/api/content/{page.id}"}}
        if "version" in expand:
            data["version"] = {"number": page.version, "when": page.when}
        if "ancestors" in expand:
            data["ancestors"] = self._ancestors(page)
        if "space" in expand:
            data["space"] = {"key": page.space, "name": page.space}
        if "body.storage" in expand:
            data["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        return data

    def _att_json(self, att: Attachment) -> dict[str, Any]:
        page = self.pages[att.page]
        download = f"/download/attachments/{page.id}/{quote(att.title)}?version={att.version}"
        return {"id": att.id, "type": "attachment", "title": att.title,
                "version": {"number": att.version, "when": att.when},
                "container": {"id": page.id, "type": "page", "title": page.title},
                "extensions": {"mediaType": att.media, "fileSize": len(att.data)},
                "_links": {"download": download}}

    def _paged(self, request: Request, items: list[Any], path: str) -> JSONResponse:
        query = dict(request.query_params)
        start = int(query.pop("start", 0))
        if "cursor" in query:
            start = int(base64.b64decode(query.pop("cursor")).decode())
        limit = min(int(query.pop("limit", 25)), self.page_size)
        chunk = items[start: start + limit]
        links: dict[str, str] = {"base": self.base_url, "context": self.context}
        if start + limit < len(items):
            after = start + limit
            more = ({"cursor": base64.b64encode(str(after).encode()).decode()} if self.cloud
                    else {"start": str(after)})
            query |= more | {"limit": str(limit)}
            params = "&".join(f"{k}={quote(v)}" for k, v in query.items())
            links["next"] = f"/rest/api/{path}?{params}"
        return JSONResponse({"results": chunk, "start": start, "limit": limit, "size": len(chunk),
                             "_links": links})

    async def _space(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        space = self.spaces.get(request.path_params["key"])
        if space is None:
            return self._error(404, "No space found with key", "Not Found")
        subjects = {"group": {"results": [{"type": "group", "name": g} for g in space.groups]}}
        permissions = [{"operation": {"operation": "read", "targetType": "space"},
                        "subjects": subjects, "anonymousAccess": space.anonymous}]
        data: dict[str, Any] = {"key": space.key, "name": space.key, "type": "global"}
        if self.cloud and "permissions" in request.query_params.get("expand", ""):
            data["permissions"] = permissions  # Data Center has no space permissions in REST
        return JSONResponse(data)

    async def _content_list(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        key, expand = request.query_params.get("spaceKey"), request.query_params.get("expand", "")
        pages = [self._page_json(p, expand) for p in self.pages.values() if p.space == key]
        return self._paged(request, pages, "content")

    async def _search(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        cql = request.query_params.get("cql", "")
        space = re.search(r'space\s*=\s*"?(\w+)"?', cql)
        if space is None or "type = attachment" not in cql:
            return self._error(400, "Could not parse cql : " + cql, "Bad Request")
        found = [self._att_json(a) for a in self.attachments.values()
                 if self.pages[a.page].space == space.group(1)]
        return self._paged(request, found, "content/search")

    async def _content(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        content_id = request.path_params["id"]
        if content_id in self.attachments:
            return JSONResponse(self._att_json(self.attachments[content_id]))
        page = self.pages.get(content_id)
        if page is None:
            return self._error(404, f"No content found with id: {content_id}", "Not Found")
        return JSONResponse(self._page_json(page, request.query_params.get("expand", "")))

    async def _restriction(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        page = self.pages[request.path_params["id"]]
        users = [{"type": "known", "accountId": u} if self.cloud else {"username": u}
                 for u in page.users]
        groups = [{"type": "group", "name": g} for g in page.groups]
        return JSONResponse({"operation": "read", "restrictions": {
            "user": {"results": users, "size": len(users)},
            "group": {"results": groups, "size": len(groups)}}})

    async def _group_members(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        name = request.path_params.get("name") or request.query_params.get("name", "")
        if name not in self.groups:
            return self._error(404, f"No group found with name: {name}", "Not Found")
        users = [{"type": "known", "accountId": u} if self.cloud else {"username": u}
                 for u in self.groups[name]]
        path = "group/member" if self.cloud else f"group/{name}/member"
        return self._paged(request, users, path)

    async def _user(self, request: Request) -> JSONResponse:
        """``GET /rest/api/user?accountId=`` (Data Center: ``?username=``): Cloud answers
        ``email`` as an empty string when the user's profile visibility hides it."""
        if refused := self._refused(request):
            return refused
        ident = request.query_params.get("accountId" if self.cloud else "username", "")
        known = {m for members in self.groups.values() for m in members} | set(self.emails)
        known |= {u for page in self.pages.values() for u in page.users}
        if ident not in known:
            return self._error(404, f"No user found with id: {ident}", "Not Found")
        email = self.emails.get(ident, "") if self.emails_visible else ""
        user: dict[str, Any] = {"type": "known", "displayName": ident, "email": email}
        user |= ({"accountId": ident, "accountType": "atlassian", "publicName": ident}
                 if self.cloud else {"username": ident, "userKey": f"key-{ident}"})
        return JSONResponse(user)

    async def _download(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        for att in self.attachments.values():
            if att.page == request.path_params["page"] and att.title == request.path_params["name"]:
                return Response(att.data, media_type=att.media)
        return self._error(404, "Attachment not found", "Not Found")
