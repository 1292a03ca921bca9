"""Opening an MCP client for one configured server: a stdio subprocess or streamable HTTP.

Imports the ``mcp`` SDK; loaded only once a server is configured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import Implementation

from config.mcp import McpServerSettings

CLIENT_INFO = Implementation(name="bot", version="0.1.0")
HTTP_TIMEOUT = httpx2.Timeout(30.0, read=300.0)  # the SDK's defaults: a response may stream


def stderr_log(log_dir: Path, server: str) -> Path:
    """Where a stdio server's own stderr goes (not the user's terminal)."""
    return log_dir / f"{server}.stderr.log"


@asynccontextmanager
async def connected(server: str, s: McpServerSettings, log_dir: Path, auth: Any = None,
                    elicit: Any = None) -> AsyncIterator[Any]:
    """An ``mcp.Client`` connected to ``server``; leaving closes it (and stops the process).

    ``auth``: an ``httpx2.Auth`` for an HTTP server (OAuth tokens); ``elicit``: the callback
    that answers the server's elicitation requests."""
    async with AsyncExitStack() as stack:
        if s.command:
            log_dir.mkdir(parents=True, exist_ok=True)
            errlog = stack.enter_context(stderr_log(log_dir, server).open("a", encoding="utf-8"))
            params = StdioServerParameters(
                command=s.command[0], args=s.command[1:], cwd=s.cwd,
                env={k: v.get_secret_value() for k, v in s.env.items()} or None)
            transport: Any = stdio_client(params, errlog=errlog)
        else:
            headers = {k: v.get_secret_value() for k, v in s.headers.items()}
            http = await stack.enter_async_context(
                httpx2.AsyncClient(headers=headers, timeout=HTTP_TIMEOUT, auth=auth))
            transport = streamable_http_client(str(s.url), http_client=http)
        client = Client(transport, client_info=CLIENT_INFO, elicitation_callback=elicit)
        yield await stack.enter_async_context(client)
