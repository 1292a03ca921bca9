"""Our messages and tool specs in the OpenAI chat-completions wire format."""

from __future__ import annotations

from typing import Any

from contracts.llm import FinishReason, ToolSpec
from contracts.messages import ChatMessage

_FINISH: dict[str, FinishReason] = {
    "stop": "stop", "eos": "stop", "end_turn": "stop",
    "tool_calls": "tool_calls", "function_call": "tool_calls",
    "length": "length", "max_tokens": "length",
    "content_filter": "content_filter",
}


def finish_reason(raw: str | None, has_tool_calls: bool) -> FinishReason:
    """Map a server's finish reason; unknown ones count as a normal stop."""
    if raw is None:
        return "tool_calls" if has_tool_calls else "stop"
    return _FINISH.get(raw, "tool_calls" if has_tool_calls else "stop")


def wire_message(message: ChatMessage) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id or "",
                "content": message.content}
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        wire["content"] = message.content or None
        wire["tool_calls"] = [
            {"id": c.id, "type": "function",
             "function": {"name": c.name, "arguments": c.arguments or "{}"}}
            for c in message.tool_calls
        ]
    return wire


def wire_tool(spec: ToolSpec) -> dict[str, Any]:
    return {"type": "function", "function": {
        "name": spec.name, "description": spec.description, "parameters": spec.parameters}}
