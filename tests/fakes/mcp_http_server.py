"""A streamable HTTP MCP server built with the official SDK (``MCPServer``), for client tests.

Run: ``python -m tests.fakes.mcp_http_server --port 8765``. Tools: ``lookup`` (a definition),
``whoami`` (the Authorization header the server received) and ``big`` (``n`` characters).
"""

from __future__ import annotations

import argparse

from mcp.server.mcpserver import Context, MCPServer

server = MCPServer("fake-docs")


@server.tool()
async def lookup(term: str) -> str:
    """Define a term from the team glossary."""
    return f"{term}: a word in the glossary of the fake docs server."


@server.tool()
async def whoami(ctx: Context) -> str:
    """Say which Authorization header this request carried."""
    request = ctx.request_context.request
    headers = getattr(request, "headers", None) or {}
    return f"authorization={headers.get('authorization', '(none)')}"


@server.tool()
async def big(n: int) -> str:
    """Return n characters."""
    return "x" * n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server.run("streamable-http", host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
