"""What the fake OpenAI server answers: scripted replies, faults, and their wire format.

Kept apart from the HTTP plumbing in :mod:`tests.fakes.openai_server` so a test can read
exactly which bytes a reply turns into.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

FaultMode = Literal[
    "rate_limit",  # 429 with Retry-After (``retry_after``)
    "server_error",  # 500
    "unavailable",  # 503
    "auth",  # 401
    "forbidden",  # 403
    "bad_request",  # 400
    "hang",  # no headers for ``hang_s`` seconds (past any sane deadline)
    "reset",  # TCP reset before any header is sent
    "cut",  # stream ``after_chars`` of text, then drop the connection mid-body
    "sse_error",  # stream some text, then an SSE ``{"error": ...}`` event
    "malformed",  # stream some text, then a chunk that is not JSON
    "bad_tool_json",  # a tool call whose arguments are not valid JSON
    "unknown_tool",  # a tool call naming a tool nobody offered
    "empty",  # a completion with no text and no tool call
    "length",  # text, then finish_reason = "length"
    "content_filter",  # text (``text``, maybe empty), then finish_reason = "content_filter"
]
STATUS_FAULTS: dict[str, int] = {
    "rate_limit": 429, "server_error": 500, "unavailable": 503, "auth": 401,
    "forbidden": 403, "bad_request": 400,
}


@dataclass
class FakeToolCall:
    """A tool call the fake model makes; ``arguments`` is sent verbatim, in ``pieces`` chunks."""

    name: str
    arguments: str | dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    pieces: int = 3

    def raw_arguments(self) -> str:
        args = self.arguments
        return args if isinstance(args, str) else json.dumps(args)


@dataclass
class FakeReply:
    """One completion. ``usage=None`` means "compute it"; ``send_usage=False`` omits it."""

    text: str = ""
    tool_calls: list[FakeToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: tuple[int, int] | None = None
    send_usage: bool = True
    chunk_chars: int = 4

    def finish(self) -> str:
        return self.finish_reason or ("tool_calls" if self.tool_calls else "stop")


@dataclass
class Fault:
    """A failure applied to the next ``times`` chat requests (``None``: to every one)."""

    mode: FaultMode
    times: int | None = 1
    retry_after: str | None = "1"
    hang_s: float = 30.0
    after_chars: int = 8
    text: str = "Partial answer that will break"


def fault_reply(fault: Fault) -> FakeReply:
    """The reply a content-level fault plays (tool, empty, length and filter modes)."""
    if fault.mode == "bad_tool_json":
        return FakeReply(tool_calls=[FakeToolCall("calculator", '{"expression": "2 +')])
    if fault.mode == "unknown_tool":
        return FakeReply(tool_calls=[FakeToolCall("no_such_tool", {"x": 1})])
    if fault.mode == "empty":
        return FakeReply(text="")
    if fault.mode == "length":
        return FakeReply(text=fault.text, finish_reason="length")
    if fault.mode == "content_filter":
        return FakeReply(text=fault.text, finish_reason="content_filter")
    return FakeReply(text=fault.text)


def error_body(status: int, message: str) -> dict[str, Any]:
    kinds = {400: "invalid_request_error", 401: "invalid_api_key", 403: "permission_denied",
             429: "rate_limit_exceeded"}
    return {"error": {"message": message, "type": kinds.get(status, "server_error"),
                      "param": None, "code": kinds.get(status)}}


def count_tokens(text: str) -> int:
    """The fake's tokenizer: one token per word or punctuation mark."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def prompt_tokens(body: dict[str, Any]) -> int:
    messages = body.get("messages") or []
    return sum(count_tokens(str(m.get("content") or "")) + 4 for m in messages)


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def text_pieces(text: str, size: int) -> list[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def tool_call_chunks(model: str, calls: list[FakeToolCall]) -> list[dict[str, Any]]:
    """Each call split like OpenAI does: id and name first, then the arguments in pieces."""
    chunks = []
    for index, call in enumerate(calls):
        head = {"index": index, "id": call.id or f"call_fake_{index}", "type": "function",
                "function": {"name": call.name, "arguments": ""}}
        chunks.append(_chunk(model, {"tool_calls": [head]}))
        raw = call.raw_arguments()
        size = max(1, math.ceil(len(raw) / max(1, call.pieces)))
        for piece in text_pieces(raw, size):
            delta = {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
            chunks.append(_chunk(model, delta))
    return chunks


def usage_of(reply: FakeReply, body: dict[str, Any]) -> dict[str, int]:
    if reply.usage is not None:
        prompt, completion = reply.usage
    else:
        calls = " ".join(c.name + c.raw_arguments() for c in reply.tool_calls)
        prompt, completion = prompt_tokens(body), count_tokens(reply.text + calls)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def stream_events(reply: FakeReply, body: dict[str, Any],
                  usage_on_finish: bool = False) -> list[dict[str, Any]]:
    """The ``data:`` payloads of a streamed reply, in order (``[DONE]`` not included).

    Usage, when asked for, comes in a chunk of its own (OpenAI), or ``usage_on_finish`` on
    the chunk that carries the finish reason (TGI).
    """
    model = str(body.get("model") or "fake-model")
    events = [_chunk(model, {"role": "assistant", "content": ""})]
    events += [_chunk(model, {"content": p}) for p in text_pieces(reply.text, reply.chunk_chars)]
    events += tool_call_chunks(model, reply.tool_calls)
    events.append(_chunk(model, {}, reply.finish()))
    wants_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    if reply.send_usage and wants_usage and usage_on_finish:
        events[-1]["usage"] = usage_of(reply, body)
    elif reply.send_usage and wants_usage:
        events.append({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
                       "model": model, "choices": [], "usage": usage_of(reply, body)})
    return events


def completion_body(reply: FakeReply, body: dict[str, Any]) -> dict[str, Any]:
    """A whole non-streamed ``chat.completion``."""
    calls = [{"id": c.id or f"call_fake_{i}", "type": "function",
              "function": {"name": c.name, "arguments": c.raw_arguments()}}
             for i, c in enumerate(reply.tool_calls)]
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if calls:
        message["tool_calls"] = calls
    result: dict[str, Any] = {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
        "model": str(body.get("model") or "fake-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish()}],
    }
    if reply.send_usage:
        result["usage"] = usage_of(reply, body)
    return result


def embedding(text: str, dims: int) -> list[float]:
    """A deterministic unit vector: hashed bag of words, so shared words mean similar vectors."""
    vector = [0.0] * dims
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.sha256(word.encode()).digest()
        slot = int.from_bytes(digest[:4], "big") % dims
        vector[slot] += 1.0 if digest[4] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0:
        vector[0], norm = 1.0, 1.0
    return [v / norm for v in vector]
