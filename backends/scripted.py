"""Test doubles shipped in the package: queued replies and a Python function.

Like pydantic-ai's TestModel/FunctionModel, they let tests and demos run the real agent
graph without a model. Both record every request they receive in ``requests``, its
``answer_shape`` included; a function backend whose profile says ``fixed_shape = "none"``
(``shapes = False``) hands its function the request without it, as a backend that cannot
constrain its answer would ignore it.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from pydantic import BaseModel, Field

from contracts.llm import (
    FinishChunk,
    FinishReason,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    UsageChunk,
)
from contracts.llm_errors import LLMError
from contracts.messages import ToolCallRequest


class ScriptedToolCall(BaseModel):
    name: str
    arguments: dict[str, Any] | str = Field(default_factory=dict)
    id: str | None = None

    def request(self, index: int) -> ToolCallRequest:
        args = self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments)
        return ToolCallRequest(id=self.id or f"call_{index}", name=self.name, arguments=args)


class Reply(BaseModel):
    """One scripted model reply: text streamed in chunks, and/or tool calls, or an error."""

    model_config = {"arbitrary_types_allowed": True}

    text: str = ""
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list)
    chunk_chars: int = 4
    delay_s: float = 0.0
    finish_reason: FinishReason | None = None
    error: Exception | None = None
    error_after_chars: int | None = None


ReplyLike = str | Reply


def _as_reply(item: ReplyLike) -> Reply:
    return item if isinstance(item, Reply) else Reply(text=item)


def _tokens(text: str) -> int:
    return max(1, len(text.split())) if text else 0


class _Recording:
    profile: str
    model: str
    price_in: float = 0.0
    price_out: float = 0.0

    def __init__(self, profile: str, model: str) -> None:
        self.profile = profile
        self.model = model
        self.requests: list[LLMRequest] = []
        self.shapes = True  # honours a request's answer_shape (False: as if it could not)

    async def aclose(self) -> None:
        return None

    async def _play(self, reply: Reply, request: LLMRequest) -> AsyncIterator[LLMChunk]:
        shown = 0
        for start in range(0, len(reply.text), max(1, reply.chunk_chars)):
            limit = reply.error_after_chars
            if reply.error is not None and limit is not None and shown >= limit:
                raise reply.error
            if reply.delay_s:
                await asyncio.sleep(reply.delay_s)
            piece = reply.text[start : start + reply.chunk_chars]
            shown += len(piece)
            yield TextChunk(text=piece)
        if reply.error is not None:
            raise reply.error
        if reply.delay_s and not reply.text:
            await asyncio.sleep(reply.delay_s)
        for i, call in enumerate(reply.tool_calls):
            yield ToolCallChunk(call=call.request(len(self.requests) * 10 + i))
        prompt_text = " ".join(m.content for m in request.messages)
        yield UsageChunk(input_tokens=_tokens(prompt_text), output_tokens=_tokens(reply.text))
        default: FinishReason = "tool_calls" if reply.tool_calls else "stop"
        yield FinishChunk(reason=reply.finish_reason or default)


class ScriptedLLM(_Recording):
    """Plays queued replies in order; when the queue is empty, ``default`` (or an error)."""

    def __init__(
        self,
        replies: Iterable[ReplyLike] = (),
        *,
        default: ReplyLike | None = None,
        profile: str = "scripted",
        model: str = "scripted",
    ) -> None:
        super().__init__(profile, model)
        self.queue: deque[Reply] = deque(_as_reply(r) for r in replies)
        self.default = _as_reply(default) if default is not None else None

    def push(self, *replies: ReplyLike) -> None:
        self.queue.extend(_as_reply(r) for r in replies)

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        self.requests.append(request)
        if self.queue:
            reply = self.queue.popleft()
        elif self.default is not None:
            reply = self.default
        else:
            raise LLMError("scripted backend has no reply queued", profile=self.profile)
        async for chunk in self._play(reply, request):
            yield chunk


ReplyFunction = Callable[[LLMRequest], ReplyLike | Awaitable[ReplyLike]]


class FunctionLLM(_Recording):
    """Answers each request with ``fn(request)``: a string, a :class:`Reply`, or an awaitable."""

    def __init__(self, fn: ReplyFunction, *, profile: str = "function", model: str = "") -> None:
        super().__init__(profile, model or getattr(fn, "__name__", "function"))
        self.fn = fn

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        self.requests.append(request)
        seen = request if self.shapes else request.model_copy(update={"answer_shape": None})
        result = self.fn(seen)
        if asyncio.iscoroutine(result) or isinstance(result, Awaitable):
            result = await result
        async for chunk in self._play(_as_reply(result), request):  # type: ignore[arg-type]
            yield chunk


def echo(request: LLMRequest) -> str:
    """A function backend that repeats the last user message: handy for demos and smoke tests."""
    users = [m.content for m in request.messages if m.role == "user"]
    return f"You said: {users[-1]}" if users else "Hello!"
