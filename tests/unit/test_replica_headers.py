"""Which replica answered is told to callers with a key, never to ones without."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apps.deploy.replica_headers import ReplicaHeaders


async def guarded(request: Request) -> JSONResponse:
    if request.headers.get("authorization") != "Bearer right":
        return JSONResponse({"error": "invalid_api_key"}, status_code=401)
    return JSONResponse({"ok": True})


async def get(headers: dict[str, str]) -> httpx.Response:
    app = ReplicaHeaders(Starlette(routes=[Route("/", guarded)]), "replica-7")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        return await client.get("/", headers=headers)


async def test_an_authenticated_answer_names_its_replica() -> None:
    response = await get({"Authorization": "Bearer right"})
    assert response.headers["X-Bot-Replica"] == "replica-7"
    assert response.headers["X-Bot-Replica-Pid"].isdigit()


async def test_an_unauthenticated_401_names_no_replica_or_process() -> None:
    response = await get({})
    assert response.status_code == 401
    assert "X-Bot-Replica-Pid" not in response.headers and "X-Bot-Replica" not in response.headers
