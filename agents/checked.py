"""The pipeline with checks on: nothing a small model writes is taken on trust.

- **Routing** by the search itself (agents/coverage.py), not by the router model: no
  passage covers the message -> the answer comes without the documents, and says so.
  A sum goes to the calculator; greetings and thanks get a fixed reply
  (``reply_greeting.txt``, ``reply_thanks.txt``), since a small model's pleasantries
  invent a person.
- **Query**: the query writer's query is used only if every content word of it was
  written in the conversation; otherwise the user's own words are searched
  (agents/queries.py). The user's previous message with this one is searched too.
- **Answer**: streamed a sentence at a time, each shown only when a passage supports it,
  citing that passage; nothing substantive left -> the documents' own words
  (agents/checked_answer.py).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Protocol

import structlog

from agents.arithmetic import arithmetic_expression
from agents.checked_answer import CheckedAnswer
from agents.found_passages import find_passages
from agents.queries import MAX_QUERY_CHARS, context_query, invented_words
from agents.retrieval import SEARCH_TOOL
from agents.small_talk import small_talk_reply
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
from contracts.llm_errors import LLMError
from contracts.run_context import ToolRunContext
from contracts.tools import Tool, ToolError


class AnswerSteps(Protocol):
    """The pipeline agent's steps that the checks wrap (a Protocol: no import back up)."""

    async def write_query(self, ctx: TurnContext) -> str: ...

    def respond(self, ctx: TurnContext, sources: list[Source]
                ) -> AsyncGenerator[TextDelta | Notice, None]: ...

log = structlog.get_logger("agents.checked")
CALCULATOR = "calculator"
NOT_COVERED = (
    "The documents do not cover this, so this answer is the model's own and may be wrong.\n\n"
)


def checks_on(ctx: TurnContext) -> bool:
    """``pipeline.checks``; ``auto`` asks whether the model that answers is a small one."""
    mode = ctx.settings.pipeline.checks
    if mode != "auto":
        return mode == "on"
    try:  # the model that will answer: a test's or a /backend switch's, not only the config's
        name = ctx.models.for_role("primary").profile
    except LLMError:  # it cannot be built: the answer step will say why
        name = ctx.models.profile_name("primary")
    profile = ctx.settings.profiles.get(name)
    return profile is not None and profile.is_small()


class CheckedSteps:
    """One turn of the pipeline agent with every step checked."""

    def __init__(self, agent: AnswerSteps, ctx: TurnContext) -> None:
        self.agent = agent
        self.ctx = ctx
        self.pool: list[Source] = []  # covering passages beyond the model's, for a quote
        self.more: list[Source] = []  # other sections of their files: a quote's next step

    async def run(self, tool: Tool | None) -> AsyncIterator[Event]:
        ctx = self.ctx
        expression = arithmetic_expression(ctx.user_text)
        calculator = ctx.tools.get(CALCULATOR)
        if expression is not None and calculator is not None:
            async for event in self.calculate(calculator, expression):
                yield event
            return
        reply = small_talk_reply(ctx.user_text)
        if reply is not None:  # a small model's pleasantries invent a person
            yield TextDelta(text=ctx.prompts.text(reply).strip())
            return
        sources: list[Source] = []
        if tool is not None:
            async for event in self.search(tool, sources):
                yield event
        yield Status(text="writing the answer…")
        answer = self.answer(sources) if sources else self.answer_alone(tool is not None)
        async for event in answer:
            yield event

    async def search(self, tool: Tool, found: list[Source]) -> AsyncIterator[Event]:
        """Query, search, keep the covering passages in ``found``; a Status per step."""
        ctx = self.ctx
        yield Status(text="writing a search query…")
        with ctx.span.child("agent.step", {"bot.agent.step_name": "query"}) as span:
            query = self.checked_query(await self.agent.write_query(ctx.within(span)))
        yield Status(text=f"searching the knowledge base for “{query}”…")
        yield ToolCall(id="pipeline-search", name=SEARCH_TOOL, arguments={"query": query})
        queries = [query, ctx.user_text, context_query(ctx.user_text, ctx.history) or ""]
        with ctx.span.child("agent.step", {"bot.agent.step_name": "retrieve"}) as span:
            found.extend(await self.passages(tool, queries, ctx.within(span).for_tool(SEARCH_TOOL)))
        summary = f"{len(found)} passages" if found else "no passage covers the question"
        yield ToolResult(id="pipeline-search", name=SEARCH_TOOL, content=summary)

    async def passages(
        self, tool: Tool, queries: list[str], tool_ctx: ToolRunContext
    ) -> list[Source]:
        """The covering passages the model reads; the rest (``pool``) and other sections
        of their files (``more``: the next step of one) are kept for a quote."""
        ctx = self.ctx
        found = await find_passages(tool, queries, ctx.user_text, ctx.history, tool_ctx)
        self.pool, self.more = found.pool, found.more
        return found.shown

    def checked_query(self, query: str) -> str:
        """The written query, or the user's words when it uses words nobody wrote."""
        invented = invented_words(query, self.ctx.user_text, self.ctx.history)
        if not invented:
            return query
        log.info("query_replaced", query=query[:200], invented=sorted(invented)[:10])
        return self.ctx.user_text[:MAX_QUERY_CHARS]

    async def answer(self, sources: list[Source]) -> AsyncIterator[Event]:
        """The model's answer, checked sentence by sentence; the passages it cites."""
        ctx = self.ctx
        check = CheckedAnswer(ctx.user_text, sources, ctx.settings.pipeline.min_support,
                              pool=self.pool, more=self.more)
        cut_short = False
        async with aclosing(self.agent.respond(ctx, sources)) as deltas:
            async for delta in deltas:
                if isinstance(delta, Notice):  # the length limit: the last sentence is cut
                    cut_short = True
                elif shown := check.feed(delta.text):
                    yield TextDelta(text=shown)
                if check.hopeless:  # closing the stream stops the model
                    cut_short = True
                    break
        if rest := check.finish(cut_short):
            yield TextDelta(text=rest)
        yield Sources(sources=check.shown_sources())

    async def answer_alone(self, uncovered: bool) -> AsyncIterator[Event]:
        """The model's own answer, streamed as it comes; said to be its own when the
        documents were searched and do not cover the question."""
        if uncovered:
            yield TextDelta(text=NOT_COVERED)
        async for event in self.agent.respond(self.ctx, []):
            yield event

    async def calculate(self, calculator: Tool, expression: str) -> AsyncIterator[Event]:
        """A sum answered by the calculator tool, not by the model."""
        yield Status(text="calculating…")
        yield ToolCall(id="pipeline-calc", name=CALCULATOR, arguments={"expression": expression})
        try:
            output = await calculator.run(
                calculator.Args(expression=expression), self.ctx.for_tool(CALCULATOR)
            )
        except ToolError as exc:
            yield ToolResult(id="pipeline-calc", name=CALCULATOR, content=str(exc), is_error=True)
            yield TextDelta(text=f"I could not calculate that: {exc}")
            return
        yield ToolResult(id="pipeline-calc", name=CALCULATOR, content=output.content)
        yield TextDelta(text=output.content)
