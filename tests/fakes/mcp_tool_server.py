"""An MCP server built with the official SDK (``MCPServer``), served in this process by
:mod:`tests.fakes.asgi_loopback`, for the bot's MCP client: tools that fail loudly
(``shout``: an error result of ``n`` characters; ``rpc_shout``: a JSON-RPC error of ``n``),
and ``book`` that elicits the person's answer mid-call."""

from __future__ import annotations

from typing import Any

import mcp_types as types
from mcp.server.elicitation import render_elicitation_schema
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel

SERVER_ERROR = -32001


class Seats(BaseModel):
    seats: int


def booked(room: str, seats: object, action: str) -> str:
    return f"booked {room} for {seats}" if action == "accept" else (
        f"not booked: the person chose {action}")


def fake_server() -> MCPServer:
    server: MCPServer = MCPServer("fake-tools", log_level="WARNING")

    @server.tool()
    async def shout(n: int) -> str:
        """Fail with an error message of n characters."""
        raise ToolError("E" * n)

    @server.tool()
    async def rpc_shout(n: int) -> str:
        """Fail with a JSON-RPC error of n characters."""
        raise MCPError(SERVER_ERROR, "R" * n)

    @server.tool()
    async def book(room: str, ctx: Context) -> Any:
        """Book a room; asks the person how many seats."""
        question = f"How many seats in {room}?"
        if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:  # a request mid-call
            answer = await ctx.elicit(question, Seats)
            seats = answer.data.seats if answer.action == "accept" and answer.data else None
            return booked(room, seats, answer.action)
        given = (ctx.input_responses or {}).get("seats")  # 2026-07-28: ask, then a retry
        if given is None:
            return types.InputRequiredResult(input_requests={"seats": types.ElicitRequest(
                params=types.ElicitRequestFormParams(
                    message=question, requested_schema=render_elicitation_schema(Seats)))})
        content = getattr(given, "content", None) or {}
        return booked(room, content.get("seats"), getattr(given, "action", "cancel"))

    return server


def fake_app(path: str = "/mcp") -> object:
    """The server's streamable HTTP app (sessions on, as most servers run today)."""
    return fake_server().streamable_http_app(streamable_http_path=path)
