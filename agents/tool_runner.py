"""Runs one tool call the model asked for; every failure becomes text the model can read."""

from __future__ import annotations

import json

import structlog
from pydantic import ValidationError

from contracts.agent import TurnContext
from contracts.messages import ToolCallRequest
from contracts.tools import ToolError, ToolOutput
from contracts.tracing import AttrValue

log = structlog.get_logger("agents.tools")


class ToolFailure(Exception):
    """A tool call that could not produce a result; the message goes back to the model."""


def parse_arguments(raw: str) -> dict[str, object]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise ToolFailure(f"arguments are not valid JSON ({exc.msg}); send a JSON object") from exc
    if not isinstance(value, dict):
        raise ToolFailure("arguments must be a JSON object")
    return value


async def run_tool(ctx: TurnContext, call: ToolCallRequest) -> ToolOutput:
    """Validate and run ``call``. Raises :class:`ToolFailure` with a model-readable message."""
    if not ctx.span.recording:
        return await _run_tool(ctx, call)
    attrs: dict[str, AttrValue] = {"gen_ai.operation.name": "execute_tool",
                                   "gen_ai.tool.name": call.name, "gen_ai.tool.call.id": call.id}
    with ctx.span.child(f"execute_tool {call.name}", attrs) as span:
        try:
            return await _run_tool(ctx.within(span), call)
        except ToolFailure:
            span.fail("ToolFailure")
            raise


async def _run_tool(ctx: TurnContext, call: ToolCallRequest) -> ToolOutput:
    tool = ctx.tools.get(call.name)
    if tool is None:
        known = ", ".join(sorted(ctx.tools)) or "none"
        raise ToolFailure(f"unknown tool {call.name!r}; available tools: {known}")
    try:
        args = tool.Args.model_validate(parse_arguments(call.arguments))
    except ValidationError as exc:
        raise ToolFailure(f"invalid arguments for {call.name}: {exc.errors()[0]['msg']}") from exc
    try:
        return await tool.run(args, ctx.for_tool(call.name))
    except ToolError as exc:
        raise ToolFailure(str(exc)) from exc
    except Exception as exc:  # a broken tool must not end the turn
        log.warning("tool_crashed", tool=call.name, error_type=type(exc).__name__, error=str(exc))
        raise ToolFailure(f"{call.name} failed: {type(exc).__name__}: {exc}") from exc
