"""The primary agent: a bounded tool-calling loop over the ``primary`` role's model."""

from __future__ import annotations

from collections.abc import AsyncIterator

from agents.tool_runner import ToolFailure, parse_arguments, run_tool
from bot.agent import TurnContext
from bot.events import Event, Source, Sources, Status, TextDelta, ToolCall, ToolResult
from bot.llm.errors import LLMContentFiltered
from bot.llm.protocol import FinishChunk, LLMRequest, TextChunk, ToolCallChunk
from bot.messages import ChatMessage, ToolCallRequest
from bot.tooling import ToolOutput, tool_spec

LENGTH_NOTE = "\n\n(answer cut short: the model reached its length limit)"


def format_passages(output: ToolOutput, first: int) -> tuple[str, list[Source]]:
    """Number a tool's sources from ``first`` and lay them out for the model to cite."""
    numbered = [s.model_copy(update={"n": first + i}) for i, s in enumerate(output.sources)]
    blocks = [f"[{s.n}] {s.label()}\n{s.text}" for s in numbered]
    return "\n\n".join([output.content, *blocks]).strip(), numbered


class ToolCallingAgent:
    """Streams the model's answer, running the tools it asks for, at most ``max_tool_steps``.

    A model that returns nothing at all (small local models do, when they pick no tool) is
    asked once more without tools.
    """

    async def run(self, ctx: TurnContext) -> AsyncIterator[Event]:
        system = ctx.prompts.text("system")
        messages = [ChatMessage.system(system), *ctx.history, ChatMessage.user(ctx.user_text)]
        sources: list[Source] = []
        steps = ctx.settings.max_tool_steps
        for step in range(steps + 1):
            offer_tools = step < steps and bool(ctx.tools)
            calls: list[ToolCallRequest] = []
            text = ""
            async for event in self._call(ctx, messages, offer_tools, calls):
                if isinstance(event, TextDelta):
                    text += event.text
                yield event
            if not offer_tools:
                calls.clear()  # tools were not offered: a stray call is not honoured
            if not calls and not text.strip() and offer_tools:
                async for event in self._call(ctx, messages, False, calls):
                    yield event
            if not calls:
                break
            messages.append(ChatMessage.assistant(text, calls))
            for call in calls:
                async for event in self._use_tool(ctx, call, messages, sources):
                    yield event
        if sources:
            yield Sources(sources=sources)

    async def _call(
        self, ctx: TurnContext, messages: list[ChatMessage], offer_tools: bool,
        calls: list[ToolCallRequest],
    ) -> AsyncIterator[Event]:
        specs = [tool_spec(t) for t in ctx.tools.values()] if offer_tools else []
        request = LLMRequest(messages=list(messages), tools=specs)
        async for chunk in ctx.stream("primary", request):
            if isinstance(chunk, TextChunk) and chunk.text:
                yield TextDelta(text=chunk.text)
            elif isinstance(chunk, ToolCallChunk):
                calls.append(chunk.call)
            elif isinstance(chunk, FinishChunk) and chunk.reason == "length" and not calls:
                yield TextDelta(text=LENGTH_NOTE)
            elif isinstance(chunk, FinishChunk) and chunk.reason == "content_filter":
                raise LLMContentFiltered(profile=ctx.models.profile_name("primary"))

    async def _use_tool(
        self, ctx: TurnContext, call: ToolCallRequest, messages: list[ChatMessage],
        sources: list[Source],
    ) -> AsyncIterator[Event]:
        try:
            shown_args: dict[str, object] | str = parse_arguments(call.arguments)
        except ToolFailure:
            shown_args = call.arguments
        yield ToolCall(id=call.id, name=call.name, arguments=shown_args)
        yield Status(text=f"using {call.name}…")
        try:
            content, found = format_passages(await run_tool(ctx.tools, call), len(sources) + 1)
            sources.extend(found)
            is_error = False
        except ToolFailure as exc:
            content, is_error = f"error: {exc}", True
        yield ToolResult(id=call.id, name=call.name, content=content, is_error=is_error)
        messages.append(ChatMessage.tool(call.id, call.name, content))
