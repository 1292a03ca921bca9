"""A request's ``answer_shape`` on the wire: structured outputs, a grammar, or a forced tool.

``fixed_shape`` on the profile picks how (see docs/eval.md, "Verdicts in a fixed shape"):
``json_schema`` sends OpenAI's structured outputs (vLLM and Ollama accept it too; the
embedded backend turns any shape into a grammar), ``json_object`` the older
``{"type": "json_object", "schema": …}`` that llama-cpp-python's server, Together and
Fireworks read, ``tool`` forces one tool call whose arguments are the answer (servers with
tool use but no structured outputs), ``none`` sends nothing and the caller reads free text.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, Literal

from contracts.llm import AnswerShape, FinishChunk, LLMChunk, TextChunk, ToolCallChunk

FixedShape = Literal["json_schema", "json_object", "tool", "none"]


def openai_shape_arguments(shape: AnswerShape, mode: FixedShape) -> dict[str, Any]:
    """The chat-completions arguments that ask for ``shape`` the ``mode`` way."""
    if mode == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": {
            "name": shape.name, "schema": shape.json_schema, "strict": True}}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": shape.json_schema}}
    if mode == "tool":
        tool = {"type": "function", "function": {
            "name": shape.name, "description": "Give your answer.",
            "parameters": shape.json_schema}}
        return {"tools": [tool],
                "tool_choice": {"type": "function", "function": {"name": shape.name}}}
    return {}


def llama_response_format(shape: AnswerShape) -> dict[str, Any]:
    """llama-cpp-python's ``response_format``: it compiles the schema into a grammar."""
    return {"type": "json_object", "schema": shape.json_schema}


async def forced_tool_as_text(chunks: AsyncIterator[LLMChunk], shape: AnswerShape
                              ) -> AsyncGenerator[LLMChunk, None]:
    """The forced tool call's arguments as the reply's text, so callers read one place."""
    async for chunk in chunks:
        if isinstance(chunk, ToolCallChunk) and chunk.call.name == shape.name:
            yield TextChunk(text=chunk.call.arguments)
        elif isinstance(chunk, FinishChunk) and chunk.reason == "tool_calls":
            yield FinishChunk(reason="stop")
        else:
            yield chunk
