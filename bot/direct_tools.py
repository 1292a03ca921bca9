"""Running one tool outside any turn: what ``bot serve mcp`` does for ``search_knowledge``."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from contracts.run_context import ToolRunContext
from contracts.tools import Tool, ToolError, ToolOutput, asks_first


async def run_outside_turn(tool: Tool, arguments: dict[str, Any],
                           ctx: ToolRunContext) -> ToolOutput:
    """Validate ``arguments`` and run ``tool``; raises ToolError the caller can show.

    No person is asked: a tool that needs approval runs only if ``approvals.default`` allows.
    """
    if asks_first(tool) and ctx.settings.approvals.default != "allow":
        raise ToolError(f"{tool.name} needs a person's approval and no one can be asked here "
                        "(approvals.default = deny)")
    try:
        args = tool.Args.model_validate(arguments)
    except ValidationError as exc:
        raise ToolError(f"invalid arguments for {tool.name}: {exc.errors()[0]['msg']}") from exc
    return await tool.run(args, ctx)
