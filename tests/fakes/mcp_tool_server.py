"""An MCP server built with the official SDK (``MCPServer``), served in this process by
:mod:`tests.fakes.asgi_loopback`, for the bot's MCP client: tools that fail loudly
(``shout``: an error result of ``n`` characters; ``rpc_shout``: a JSON-RPC error of ``n``),
and ``book`` that elicits the person's answer mid-call."""

from __future__ import annotations

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

SERVER_ERROR = -32001


class Seats(BaseModel):
    seats: int


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
    async def book(room: str, ctx: Context) -> str:
        """Book a room; asks the person how many seats."""
        answer = await ctx.elicit(f"How many seats in {room}?", Seats)
        if answer.action == "accept" and answer.data is not None:
            return f"booked {room} for {answer.data.seats}"
        return f"not booked: the person chose {answer.action}"

    return server


def fake_app(path: str = "/mcp") -> object:
    """The server's streamable HTTP app (sessions on, as most servers run today)."""
    return fake_server().streamable_http_app(streamable_http_path=path)
