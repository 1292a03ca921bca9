"""The one async streaming protocol every LLM backend implements.

A request may ask for its reply ``whole`` (:attr:`LLMRequest.whole`): a backend that can
answer in one piece does (the ``openai`` kind: one non-streamed call), one that cannot streams
as always. Either way the caller reads the same chunks, so retries, fallbacks, metering and
every consumer stay as they are.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from contracts.messages import ChatMessage, ToolCallRequest

TokenCounter = Callable[[str], int]
FinishReason = Literal["stop", "tool_calls", "length", "content_filter", "error"]


class ToolSpec(BaseModel):
    """A tool offered to the model: name, description and JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


class AnswerShape(BaseModel):
    """Ask for the reply in a fixed shape: one JSON object valid against ``json_schema``.

    A backend that can constrain its answer does (OpenAI structured outputs, a llama.cpp
    grammar, a forced tool call whose arguments come back as the text); one that cannot
    ignores it, so the caller reads the reply as free text then.
    """

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    json_schema: dict[str, Any]


class LLMRequest(BaseModel):
    messages: list[ChatMessage]
    tools: list[ToolSpec] = Field(default_factory=list)
    temperature: float | None = None
    max_tokens: int | None = None
    role: str = "primary"
    answer_shape: AnswerShape | None = None  # None: free text, as before
    # True: no one reads the reply as it comes (an API client that asked ``stream: false``),
    # so a backend may answer in one piece, which costs less to read than a stream; the
    # chunks are the same (the text then comes as one TextChunk)
    whole: bool = False


class TextChunk(BaseModel):
    kind: Literal["text"] = "text"
    text: str


class ToolCallChunk(BaseModel):
    """A tool call, already assembled from however many stream chunks carried it."""

    kind: Literal["tool_call"] = "tool_call"
    call: ToolCallRequest


class UsageChunk(BaseModel):
    """Tokens of one call. A wrapper that may answer from another backend (retries,
    fallbacks) fills ``backend``, ``model`` and ``cost_usd`` with the one that answered."""

    kind: Literal["usage"] = "usage"
    input_tokens: int
    output_tokens: int
    backend: str = ""
    model: str = ""
    cost_usd: float | None = None


class FinishChunk(BaseModel):
    kind: Literal["finish"] = "finish"
    reason: FinishReason


LLMChunk = TextChunk | ToolCallChunk | UsageChunk | FinishChunk


@runtime_checkable
class LLM(Protocol):
    """A chat model. ``stream`` yields text, assembled tool calls, usage, then a finish.

    With ``request.whole`` it may get the reply in one piece and yield the same chunks from
    it; a backend that streams anyway (llama.cpp, the test doubles) needs nothing for that.
    """

    profile: str
    model: str
    price_in: float
    price_out: float

    def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]: ...

    async def aclose(self) -> None: ...


class Completion(BaseModel):
    """A whole reply, collected from a stream."""

    text: str = ""
    tool_calls: list[ToolCallRequest] = Field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: FinishReason = "stop"


async def complete(llm: LLM, request: LLMRequest) -> Completion:
    """Run ``llm.stream`` to the end and return the collected reply."""
    return await collect(llm.stream(request))


async def collect(chunks: AsyncIterator[LLMChunk]) -> Completion:
    """The whole reply a stream of chunks adds up to."""
    result = Completion()
    async for chunk in chunks:
        if isinstance(chunk, TextChunk):
            result.text += chunk.text
        elif isinstance(chunk, ToolCallChunk):
            result.tool_calls.append(chunk.call)
        elif isinstance(chunk, UsageChunk):
            result.input_tokens += chunk.input_tokens
            result.output_tokens += chunk.output_tokens
        else:
            result.finish_reason = chunk.reason
    return result


def cost_usd(llm: LLM, input_tokens: int, output_tokens: int) -> float:
    """Dollar cost of a call at the profile's per-million-token prices."""
    return (input_tokens * llm.price_in + output_tokens * llm.price_out) / 1_000_000


def approx_tokens(text: str) -> int:
    """About four characters a token: the fallback when a backend has no tokenizer."""
    return len(text) // 4 + 1
