"""Running the MCP server: stdio (a client starts ``bot serve mcp`` itself) or streamable
HTTP on ``mcp.serve.host:port`` + ``path``.

Off loopback a credential is required (named tokens or OAuth), as ``bot serve api`` requires
keys; DNS-rebinding protection (the SDK's Host/Origin check) stays on for every host: the
loopback names and those in ``mcp.serve.allowed_hosts``.
"""

from __future__ import annotations

import sys

import anyio
import structlog
import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp

from bot.app import Bot
from config.mcp import McpServeSettings
from presenters.mcp.server import build_server

log = structlog.get_logger("presenters.mcp")
WILDCARD = ("0.0.0.0", "::", "")
LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
NO_TOKEN = ("mcp.serve.host = {host!r} is not loopback, and no caller would have to prove who "
            "they are. Fix: add named tokens ([mcp.serve.tokens] alice = \"...\", e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'), or "
            "[mcp.serve.oauth], or serve on 127.0.0.1")
NO_HOSTS = ("mcp.serve.host = {host!r} listens on every address, so the Host names clients "
            "use are unknown and DNS-rebinding protection would refuse them. Fix: list them, "
            "e.g. mcp.serve.allowed_hosts = [\"bot.example.com\", \"10.0.0.5:8765\"]")


def refusal(s: McpServeSettings) -> str | None:
    """Why these HTTP settings must not be served; None when they may."""
    if s.transport != "http" or s.on_loopback:
        return None
    if not s.guarded():
        return NO_TOKEN.format(host=s.host)
    if s.host in WILDCARD and not s.allowed_hosts:
        return NO_HOSTS.format(host=s.host)
    return None


def transport_security(s: McpServeSettings) -> TransportSecuritySettings:
    """Host/Origin checks: loopback, the host served on, and ``allowed_hosts``."""
    named = list(s.allowed_hosts)
    if s.host not in WILDCARD and not s.on_loopback:
        named.append(f"[{s.host}]" if ":" in s.host else s.host)
    hosts = [*LOOPBACK_HOSTS, *(p for h in named for p in host_patterns(h))]
    origins = [f"{scheme}://{h}" for h in hosts for scheme in ("http", "https")]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                     allowed_hosts=hosts, allowed_origins=origins)


def host_patterns(host: str) -> list[str]:
    """A Host value as given; without a port, also with any port (behind a proxy or not)."""
    has_port = host.rsplit("]", 1)[-1].count(":") == 1
    return [host] if has_port else [host, f"{host}:*"]


def http_app(server: MCPServer, s: McpServeSettings) -> ASGIApp:
    return server.streamable_http_app(streamable_http_path=s.path, host=s.host,
                                      transport_security=transport_security(s))


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
    log.info("mcp_serving", transport="http", url=f"http://{s.host}:{s.port}{s.path}",
             tokens=sorted(s.named_tokens()), oauth=s.oauth.issuer if s.oauth else None)
    return uvicorn.Config(http_app(server, s), host=s.host, port=s.port, log_level="warning",
                          access_log=False, lifespan="on")


def serve(bot: Bot) -> int:
    """The ``bot serve mcp`` entry point; MCP servers the bot uses are started first."""
    refused = refusal(bot.settings.mcp.serve)
    if refused:
        sys.stderr.write(f"Invalid configuration: {refused}\n")
        return 2
    bot.start()
    anyio.run(run, bot)
    return 0
