"""The tools agent (``agent = "tools"``): a bounded tool-calling loop over the ``primary``
role's model."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field

from agents.approval import ApprovalStep
from agents.retrieval import format_passages
from agents.tool_runner import ToolFailure, parse_arguments, run_tool
from contracts.agent import TurnContext
from contracts.events import (
    Event,
    Notice,
    Source,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
)
from contracts.llm import FinishChunk, LLMRequest, TextChunk, ToolCallChunk
from contracts.llm_errors import LLMContentFiltered
from contracts.messages import ChatMessage, ToolCallRequest
from contracts.tools import ToolOutput, asks_first, tool_spec

LENGTH_NOTE = "(answer cut short: the model reached its length limit)"
MAX_FAILED_STEPS = 2


def number_sources(output: ToolOutput, known: list[Source]) -> tuple[str, list[Source]]:
    """Number a tool's sources after ``known`` ones; the text the model reads cites them.

    A passage already found earlier in the turn keeps its number instead of getting a new one.
    """
    seen = {(s.source, s.text): s.n for s in known}
    new: list[Source] = []
    numbered = []
    for source in output.sources:
        n = seen.get((source.source, source.text))
        if n is None:
            n = len(known) + len(new) + 1
            seen[(source.source, source.text)] = n
            new.append(source.model_copy(update={"n": n}))
        numbered.append(source.model_copy(update={"n": n}))
    return "\n\n".join([output.content, format_passages(numbered)]).strip(), new


@dataclass
class _Loop:
    """One turn's running state."""

    messages: list[ChatMessage]
    sources: list[Source] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    failed_steps: int = 0
    answered: bool = False


class ToolCallingAgent:
    """Streams the model's answer, running the tools it asks for, at most ``max_tool_steps``.

    Small local models misbehave in known ways, handled here: a reply with neither text nor
    a tool call is asked again without tools; after two steps whose tool calls all failed,
    tools are no longer offered; and if the model never writes an answer after a tool
    succeeded, the tool's own result is the answer.
    """

    async def run(self, ctx: TurnContext) -> AsyncGenerator[Event, None]:
        system = ctx.prompts.text("system")
        loop = _Loop([ChatMessage.system(system), *ctx.history, ChatMessage.user(ctx.user_text)])
        steps = ctx.settings.max_tool_steps
        for step in range(steps + 1):
            offer = step < steps and bool(ctx.tools) and loop.failed_steps < MAX_FAILED_STEPS
            calls: list[ToolCallRequest] = []
            with ctx.span.child("agent.step", {"bot.agent.step": step}) as span:
                sctx = ctx.within(span)
                async for event in self._step(sctx, loop, offer, calls):
                    yield event
                span.set("bot.agent.tool_calls", len(calls))
                if calls:
                    async for event in self._use_tools(sctx, loop, calls):
                        yield event
            if not calls:
                break
        if not loop.answered and loop.results:
            yield TextDelta(text="\n".join(loop.results))
        if loop.sources:
            yield Sources(sources=loop.sources)

    async def _step(
        self, ctx: TurnContext, loop: _Loop, offer: bool, calls: list[ToolCallRequest]
    ) -> AsyncGenerator[Event, None]:
        said: list[str] = []  # the text pieces, joined once: no string rebuilt per chunk
        async for event in self._call(ctx, loop.messages, offer, calls, said):
            yield event
        if not offer:
            calls.clear()  # tools were not offered: a stray call is not honoured
        if not calls and not "".join(said).strip() and offer:
            async for event in self._call(ctx, loop.messages, False, [], said):
                yield event
        text = "".join(said)
        loop.answered = loop.answered or bool(text.strip())
        if calls:
            loop.messages.append(ChatMessage.assistant(text, calls))

    async def _call(
        self, ctx: TurnContext, messages: list[ChatMessage], offer_tools: bool,
        calls: list[ToolCallRequest], said: list[str],
    ) -> AsyncGenerator[Event, None]:
        specs = [tool_spec(t) for t in ctx.tools.values()] if offer_tools else []
        request = LLMRequest(messages=list(messages), tools=specs)
        async with aclosing(ctx.stream("primary", request)) as chunks:
            async for chunk in chunks:
                if isinstance(chunk, TextChunk) and chunk.text:
                    said.append(chunk.text)
                    yield TextDelta(text=chunk.text)
                elif isinstance(chunk, ToolCallChunk):
                    calls.append(chunk.call)
                elif isinstance(chunk, FinishChunk) and chunk.reason == "length" and not calls:
                    yield Notice(text=LENGTH_NOTE)
                elif isinstance(chunk, FinishChunk) and chunk.reason == "content_filter":
                    raise LLMContentFiltered(profile=ctx.models.profile_name("primary"))

    async def _use_tools(
        self, ctx: TurnContext, loop: _Loop, calls: list[ToolCallRequest]
    ) -> AsyncGenerator[Event, None]:
        failures = 0
        for call in calls:
            async for event in self._use_tool(ctx, call, loop):
                failures += isinstance(event, ToolResult) and event.is_error
                yield event
        loop.failed_steps = loop.failed_steps + 1 if failures == len(calls) else 0

    async def _use_tool(
        self, ctx: TurnContext, call: ToolCallRequest, loop: _Loop
    ) -> AsyncGenerator[Event, None]:
        try:
            shown_args: dict[str, object] | str = parse_arguments(call.arguments)
        except ToolFailure:
            shown_args = call.arguments
        yield ToolCall(id=call.id, name=call.name, arguments=shown_args)
        tool = ctx.tools.get(call.name)
        # arguments that do not parse never run (run_tool says why), so none is asked for
        asks = tool is not None and asks_first(tool) and isinstance(shown_args, dict)
        approval = ApprovalStep(call.name, needed=asks)
        if asks:
            async for event in approval.run(ctx, call.id, call.name, shown_args):
                yield event
        content, is_error = f"error: {approval.refused}", True
        if not approval.refused:
            yield Status(text=f"using {call.name}…")
            content, is_error = await self._run(ctx, call, loop)
        yield ToolResult(id=call.id, name=call.name, content=content, is_error=is_error)
        loop.messages.append(ChatMessage.tool(call.id, call.name, content))

    @staticmethod
    async def _run(ctx: TurnContext, call: ToolCallRequest, loop: _Loop) -> tuple[str, bool]:
        """The text the model reads of ``call``'s result, and whether it failed."""
        try:
            output = await run_tool(ctx, call)
        except ToolFailure as exc:
            return f"error: {exc}", True
        content, found = number_sources(output, loop.sources)
        loop.sources.extend(found)
        loop.results.append(output.content)
        return content, False
