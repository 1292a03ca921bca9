"""What a model call's span says, in OpenTelemetry's GenAI semantic conventions.

Only figures and names: the model, the role, token counts, finish reasons. Never the
messages (see ``tracing.include_text``, which adds the turn's text on the turn span only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.llm import LLM, FinishChunk, LLMChunk, LLMRequest, ToolCallChunk, UsageChunk

if TYPE_CHECKING:
    from contracts.tracing import AttrValue, Span


def model_call_attributes(llm: LLM, request: LLMRequest) -> dict[str, AttrValue]:
    attrs: dict[str, AttrValue] = {
        "gen_ai.operation.name": "chat", "gen_ai.system": llm.profile,
        "gen_ai.request.model": llm.model, "bot.role": request.role,
        "bot.tools_offered": len(request.tools), "bot.messages": len(request.messages),
    }
    if request.temperature is not None:
        attrs["gen_ai.request.temperature"] = request.temperature
    if request.max_tokens is not None:
        attrs["gen_ai.request.max_tokens"] = request.max_tokens
    return attrs


def record_chunk(span: Span, chunk: LLMChunk) -> None:
    """Usage, finish reason and tool calls of a streamed reply, as they arrive."""
    if isinstance(chunk, UsageChunk):
        span.set("gen_ai.usage.input_tokens", chunk.input_tokens)
        span.set("gen_ai.usage.output_tokens", chunk.output_tokens)
        if chunk.model:
            span.set("gen_ai.response.model", chunk.model)
        if chunk.backend:
            span.set("bot.answered_by", chunk.backend)
    elif isinstance(chunk, FinishChunk):
        span.set("gen_ai.response.finish_reasons", [chunk.reason])
    elif isinstance(chunk, ToolCallChunk):
        span.set("bot.tool_call", chunk.call.name)
