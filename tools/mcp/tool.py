"""An MCP server's tool behind the Tool protocol: the model sees the server's own JSON schema."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.elicitation import current_elicitor
from contracts.run_context import ToolRunContext
from contracts.tools import ToolError, ToolOutput
from tools.mcp.background import BackgroundLoop
from tools.mcp.connection import McpConnection
from tools.mcp.elicit import Asker
from tools.mcp.results import capped, error_text, result_text


class McpArguments(BaseModel):
    """Whatever the model sent; the server checks it against its schema."""

    model_config = ConfigDict(extra="allow")


@dataclass(kw_only=True)
class McpTool:
    """``name`` is what the model calls (namespaced on a clash); ``remote`` the server's name."""

    Args: ClassVar[type[BaseModel]] = McpArguments

    name: str
    remote: str
    description: str
    input_schema: dict[str, Any]
    ask_first: bool
    timeout_s: float
    max_chars: int
    connection: McpConnection
    loop: BackgroundLoop

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        asker = Asker(self.connection.name, self.remote, current_elicitor(),
                      asyncio.get_running_loop(), ctx.settings.approvals.timeout_s)
        call = self.connection.call(self.remote, args.model_dump(), self.timeout_s, asker)
        try:
            result = await self.loop.run(call)
        finally:
            asker.stop()
        if result.is_error:  # the server's own words, capped tighter than a result
            raise ToolError(error_text(result_text(result), self.max_chars) or f"{self.remote} "
                            f"failed on MCP server {self.connection.name!r}")
        text = capped(result_text(result), self.max_chars)
        ctx.log.info("mcp_tool_called", server=self.connection.name, tool=self.remote,
                     chars=len(text))
        return ToolOutput(content=text or "(the tool returned nothing)")
