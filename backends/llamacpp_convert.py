"""Translating between our messages/chunks and llama-cpp-python's OpenAI-shaped dicts."""

from __future__ import annotations

import json
from typing import Any

from contracts.llm import FinishChunk, LLMChunk, TextChunk, ToolCallChunk, ToolSpec
from contracts.messages import ChatMessage, ToolCallRequest

_FINISH = {"stop": "stop", "length": "length", "tool_calls": "tool_calls",
           "function_call": "tool_calls"}


def to_llama_messages(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in messages:
        item: dict[str, Any] = {"role": m.role, "content": m.content}
        if m.tool_calls:
            item["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": c.arguments}} for c in m.tool_calls
            ]
        if m.role == "tool":
            item["tool_call_id"] = m.tool_call_id
            item["name"] = m.name
        out.append(item)
    return out


def to_llama_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": t.model_dump()} for t in tools]


def chunks_from_stream(part: dict[str, Any]) -> list[LLMChunk]:
    """Our chunks from one streamed delta or one whole (non-streamed) completion."""
    choice = (part.get("choices") or [{}])[0]
    body = choice.get("delta") or choice.get("message") or {}
    out: list[LLMChunk] = []
    if body.get("content"):
        out.append(TextChunk(text=body["content"]))
    for i, call in enumerate(body.get("tool_calls") or []):
        fn = call.get("function") or {}
        args = fn.get("arguments") or "{}"
        out.append(ToolCallChunk(call=ToolCallRequest(
            id=call.get("id") or f"call_{i}", name=fn.get("name", ""),
            arguments=args if isinstance(args, str) else json.dumps(args))))
    reason = choice.get("finish_reason")
    if reason:
        out.append(FinishChunk(reason=_FINISH.get(reason, "stop")))  # type: ignore[arg-type]
    return out


def worker_chunks(message: dict[str, Any]) -> list[LLMChunk]:
    """Our chunks from one worker message: a bare token, or a whole llama chunk."""
    if "text" in message:
        return [TextChunk(text=message["text"])] if message["text"] else []
    return chunks_from_stream(message["part"])
