"""``bot serve mcp`` over streamable HTTP in this process: uvicorn on a loopback socket
(port 0) in a thread, and the official ``mcp`` client to call it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.app import Bot
from config import Settings
from config.mcp import McpServeSettings
from tests.fakes.asgi_loopback import loopback_socket, serving_asgi

__all__ = ["client", "loopback_socket", "serving_mcp", "with_serve"]

ALICE = "mcp-alice-token-0123456789"
BOB = "mcp-bob-token-0123456789ab"


def with_serve(settings: Settings, **serve: Any) -> Settings:
    """``settings`` serving MCP over HTTP with ``serve`` (tokens, oauth, …)."""
    fields = {"transport": "http", **serve}
    mcp = settings.mcp.model_copy(update={"serve": McpServeSettings(**fields)})
    return settings.model_copy(update={"mcp": mcp})


@contextmanager
def serving_mcp(bot: Bot, sock: socket.socket | None = None) -> Iterator[str]:
    """Serve ``bot`` as ``bot serve mcp`` over HTTP would; yields the MCP endpoint's URL."""
    from presenters.mcp.serve import http_app
    from presenters.mcp.server import build_server

    s = bot.settings.mcp.serve
    with serving_asgi(http_app(build_server(bot), s), sock) as base:
        yield base + s.path


def client(url: str, token: str | None = None, mode: str = "auto", **options: Any) -> Any:
    """The official client over streamable HTTP, sending ``token`` as a bearer token."""
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60.0))
    return Client(streamable_http_client(url, http_client=http), mode=mode, **options)
