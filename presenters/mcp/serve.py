"""Running the MCP server: stdio (a client starts ``bot serve mcp`` itself) or streamable
HTTP on ``mcp.serve.host:port`` + ``path``, with an optional bearer token."""

from __future__ import annotations

import secrets

import anyio
import structlog
import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.app import Bot
from config.mcp import McpServeSettings
from presenters.mcp.server import build_server

log = structlog.get_logger("presenters.mcp")


class BearerGate:
    """Refuses HTTP requests without ``Authorization: Bearer <mcp.serve.token>`` (401)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.expected = app, f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not secrets.compare_digest(given, self.expected):
                await send({"type": "http.response.start", "status": 401, "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="bot"')]})
                await send({"type": "http.response.body",
                            "body": b'{"error": "missing or wrong bearer token"}'})
                return
        await self.app(scope, receive, send)


async def run(bot: Bot) -> None:
    """Serve until the client goes (stdio) or the process is stopped (HTTP)."""
    s = bot.settings.mcp.serve
    server = build_server(bot)
    try:
        if s.transport == "stdio":
            log.info("mcp_serving", transport="stdio")
            await server.run_stdio_async()
        else:
            await uvicorn.Server(http_config(server, s)).serve()
    finally:
        await bot.aclose()


def http_config(server: MCPServer, s: McpServeSettings) -> uvicorn.Config:
    app: ASGIApp = server.streamable_http_app(streamable_http_path=s.path, host=s.host)
    if s.token is not None:
        app = BearerGate(app, s.token.get_secret_value())
    log.info("mcp_serving", transport="http", url=f"http://{s.host}:{s.port}{s.path}",
             token=s.token is not None)
    return uvicorn.Config(app, host=s.host, port=s.port, log_level="warning",
                          access_log=False, lifespan="on")


def serve(bot: Bot) -> int:
    """The ``bot serve mcp`` entry point; MCP servers the bot uses are started first."""
    bot.start()
    anyio.run(run, bot)
    return 0
