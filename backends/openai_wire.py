"""Our messages and tool specs in the OpenAI chat-completions wire format."""

from __future__ import annotations

from typing import Any

from contracts.llm import FinishReason, ToolSpec
from contracts.llm_errors import LLMBadResponse
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


def reply_mode(whole: bool) -> dict[str, Any]:
    """How a request asks for its reply: one whole answer (which carries its usage), or a
    stream whose last chunk carries the usage (servers send none unless asked)."""
    if whole:
        return {"stream": False}
    return {"stream": True, "stream_options": {"include_usage": True}}


def wire_usage(reported: dict[str, Any]) -> tuple[int, int]:
    """Input and output tokens of a server's ``usage`` object."""
    return reported.get("prompt_tokens") or 0, reported.get("completion_tokens") or 0


def whole_answer(answer: Any, profile: str
                 ) -> tuple[dict[str, Any], str | None, tuple[int, int] | None]:
    """The message, raw finish reason and usage of a whole (non-streamed) chat completion
    as plain JSON; :class:`LLMBadResponse` when it is not one (an error body sent with
    HTTP 200, a page of HTML)."""
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise LLMBadResponse(f"{profile} sent no answer: {str(answer)[:300]}", profile=profile)
    reported = answer.get("usage")
    usage = wire_usage(reported) if isinstance(reported, dict) else None
    message = choices[0].get("message")
    return (message if isinstance(message, dict) else {}), choices[0].get("finish_reason"), usage
