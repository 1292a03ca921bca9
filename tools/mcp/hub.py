"""The MCP servers of one Bot: started together at first use, their tools discovered and
named, closed with the Bot.

A server that fails to start is logged and its tools are left out (the turn goes on without
them; fix it and restart the bot); one that dies later is started again by the next call to
one of its tools.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import structlog

from config.mcp import McpServerSettings, McpSettings
from contracts.tools import Tool
from tools.mcp.background import BackgroundLoop
from tools.mcp.connection import McpConnection, describe, root_cause
from tools.mcp.tool import McpTool

log = structlog.get_logger("tools.mcp")
TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what OpenAI-style function names allow


class McpHub:
    """``start(taken)`` returns the tools to offer; ``close()`` stops every server."""

    def __init__(self, settings: McpSettings, log_dir: Path) -> None:
        self.settings = settings
        self.loop = BackgroundLoop("mcp-client")
        self.connections = {name: McpConnection(name, s, log_dir)
                            for name, s in settings.servers.items()}

    def start(self, taken: set[str]) -> dict[str, Tool]:
        """Connect every server at once and discover its tools; blocks until done."""
        self.loop.start()
        wait = max(s.startup_timeout_s for s in self.settings.servers.values()) + 15
        listings = self.loop.call(self._discover_all(), timeout=wait)
        tools: dict[str, Tool] = {}
        for name, listed in listings.items():
            for tool in self._offered(name, listed, taken | set(tools)):
                tools[tool.name] = tool
        return tools

    async def _discover_all(self) -> dict[str, list[Any]]:
        names = list(self.connections)
        found = await asyncio.gather(*(self._discover(n) for n in names))
        return dict(zip(names, found, strict=True))

    async def _discover(self, name: str) -> list[Any]:
        connection = self.connections[name]
        try:
            await connection.connect()
            listed = await connection.list_tools()
        except Exception as exc:
            cause = root_cause(exc)
            log.error("mcp_server_failed", server=name, where=connection.where,
                      error=describe(cause), fix=f"check [mcp.servers.{name}] in bot.toml; "
                      "its tools are left out until it starts")
            await connection.close()
            return []
        log.info("mcp_server_ready", server=name, tools=[t.name for t in listed])
        return listed

    def _offered(self, server: str, listed: list[Any], taken: set[str]) -> list[McpTool]:
        s = self.settings.servers[server]
        listed_names = {t.name for t in listed}
        for missing in sorted(set(s.allow or []) - listed_names):
            log.warning("mcp_tool_not_listed", server=server, tool=missing,
                        fix=f"mcp.servers.{server}.allow names a tool the server does not list")
        offered = []
        for remote in listed:
            if s.allow is not None and remote.name not in s.allow:
                continue
            name = tool_name(server, remote.name, taken, s.namespace)
            taken = taken | {name}
            offered.append(self._tool(server, s, remote, name))
        return offered

    def _tool(self, server: str, s: McpServerSettings, remote: Any, name: str) -> McpTool:
        return McpTool(
            name=name, remote=remote.name, input_schema=dict(remote.input_schema),
            description=(remote.description or remote.title or remote.name),
            ask_first=s.asks_first(remote.name), timeout_s=s.timeout_for(remote.name),
            max_chars=s.max_result_chars, connection=self.connections[server], loop=self.loop)

    def close(self) -> None:
        """Stop every server (blocking); the hub cannot be started again."""
        async def close_all() -> None:
            await asyncio.gather(*(c.close() for c in self.connections.values()))

        try:
            self.loop.call(close_all(), timeout=30)
        except RuntimeError:  # never started
            return
        finally:
            self.loop.stop()


def tool_name(server: str, remote: str, taken: set[str], namespace: bool) -> str:
    """The server's own name for a tool, or ``SERVER_TOOL`` when asked or when it clashes."""
    if not namespace and remote not in taken and TOOL_NAME.fullmatch(remote):
        return remote
    base = re.sub(r"[^A-Za-z0-9_-]", "_", f"{server}_{remote}")[:64]
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:60]}_{n}", n + 1
    return name
