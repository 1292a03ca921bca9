"""``bot serve mcp`` over streamable HTTP in this process: uvicorn on a loopback socket
(port 0) in a thread, and the official ``mcp`` client to call it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from bot.app import Bot
from config import Settings
from config.mcp import McpServeSettings

ALICE = "mcp-alice-token-0123456789"
BOB = "mcp-bob-token-0123456789ab"


def loopback_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def with_serve(settings: Settings, **serve: Any) -> Settings:
    """``settings`` serving MCP over HTTP with ``serve`` (tokens, oauth, …)."""
    fields = {"transport": "http", **serve}
    mcp = settings.mcp.model_copy(update={"serve": McpServeSettings(**fields)})
    return settings.model_copy(update={"mcp": mcp})


@contextmanager
def serving_mcp(bot: Bot, sock: socket.socket) -> Iterator[str]:
    """Serve ``bot`` on ``sock``; yields the MCP endpoint's URL."""
    from presenters.mcp.serve import http_app
    from presenters.mcp.server import build_server

    s = bot.settings.mcp.serve
    config = uvicorn.Config(http_app(build_server(bot), s), log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the MCP server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}{s.path}"
    finally:
        server.should_exit = True
        thread.join(30)


def client(url: str, token: str | None = None, mode: str = "auto", **options: Any) -> Any:
    """The official client over streamable HTTP, sending ``token`` as a bearer token."""
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60.0))
    return Client(streamable_http_client(url, http_client=http), mode=mode, **options)
