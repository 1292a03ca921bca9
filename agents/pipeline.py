"""The pipeline agent (``agent = "pipeline"``): one LLM, one job, one prompt per step.

Small local models cannot drive a tool-calling loop, but they can answer one narrow
question at a time:

1. router (role ``router``, prompts ``router.txt`` and ``router_smalltalk.txt``): does
   this message need the knowledge base? The verbose yes/no is read by the answer
   extractor (rules first, then the ``extractor`` role). A "no" is only believed when the
   model also says, asked the other way round, that the message is small talk: small
   models answer "no" to everything. Unclear or contradictory answers search (a wasted
   search costs little, a missed one costs a wrong answer).
2. query writer (role ``query_writer``, ``query_writer.txt``): the search query.
3. retrieve: the ``search_knowledge`` tool, for the written query and the user's words.
4. respond (role ``primary``, ``respond.txt``): the answer from the passages, citing [n].
   An answer whose words mostly do not occur in the passages gets a note quoting the best
   passage (agents/grounding.py): tiny models invent fluent text.

With checks on (``pipeline.checks``; by default when the primary profile is small, as the
embedded model is) nothing a small model writes is taken on trust (agents/checked.py):
the search scores route instead of the router, a query with words the user never wrote
is replaced by the user's words, and the answer shows only sentences a passage supports.

Each step yields a Status event; the answer streams as TextDelta; cited passages end the
turn as a Sources event. A failing router or query writer degrades to searching with the
user's own words; only the answer itself may fail the turn.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

import structlog

from agents.checked import CheckedSteps, checks_on
from agents.grounding import weak_grounding_note
from agents.queries import MAX_QUERY_CHARS, clean_query, history_text
from agents.retrieval import SEARCH_TOOL, cited, format_passages, retrieve
from agents.tools_agent import LENGTH_NOTE
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
from contracts.llm import FinishChunk, LLMRequest, TextChunk
from contracts.llm_errors import LLMContentFiltered, LLMError
from contracts.messages import ChatMessage
from contracts.tools import Tool
from judging.extractor import AnswerExtractor

log = structlog.get_logger("agents.pipeline")


class PipelineAgent:
    """Route, write a query, retrieve, respond: each step a single-purpose LLM call."""

    async def run(self, ctx: TurnContext) -> AsyncGenerator[Event, None]:
        tool = ctx.tools.get(SEARCH_TOOL)
        if checks_on(ctx):
            async for event in CheckedSteps(self, ctx).run(tool):
                yield event
            return
        sources: list[Source] = []
        if tool is not None:
            yield Status(text="deciding whether to search the knowledge base…")
            with ctx.span.child("agent.step", {"bot.agent.step_name": "route"}) as span:
                needed = await self.needs_knowledge(ctx.within(span))
            if needed:
                async for event in self.search(ctx, tool, sources):
                    yield event
        yield Status(text="writing the answer…")
        answer = ""
        with ctx.span.child("agent.step", {"bot.agent.step_name": "respond"}) as span:
            async for event in self.respond(ctx.within(span), sources):
                answer += event.text if isinstance(event, TextDelta) else ""
                yield event
        shown = cited(answer, sources)
        note = weak_grounding_note(answer, sources)
        if note is not None:
            yield Notice(text=note.lstrip("\n"))
            shown = shown if sources[0] in shown else [sources[0], *shown]
        if sources:
            yield Sources(sources=shown)

    async def search(
        self, ctx: TurnContext, tool: Tool, found: list[Source]
    ) -> AsyncIterator[Event]:
        """Write a query, search, and put the passages in ``found``, with a Status per step."""
        yield Status(text="writing a search query…")
        with ctx.span.child("agent.step", {"bot.agent.step_name": "query"}) as span:
            query = await self.write_query(ctx.within(span))
        yield Status(text=f"searching the knowledge base for “{query}”…")
        yield ToolCall(id="pipeline-search", name=SEARCH_TOOL, arguments={"query": query})
        queries, top_k = [query, ctx.user_text], ctx.settings.kb.top_k
        with ctx.span.child("agent.step", {"bot.agent.step_name": "retrieve"}) as span:
            tool_ctx = ctx.within(span).for_tool(SEARCH_TOOL)
            found.extend(await retrieve(tool, queries, top_k, tool_ctx))
        yield ToolResult(id="pipeline-search", name=SEARCH_TOOL, content=f"{len(found)} passages")

    async def needs_knowledge(self, ctx: TurnContext) -> bool:
        """The router's verdict, asked both ways round to catch a model that always says
        the same word: "no" counts only if the model also calls the message small talk.
        Anything unclear or contradictory searches (a wasted search is cheap)."""
        needs = await self._ask(ctx, "router")
        if needs != "no":
            return True
        small_talk = await self._ask(ctx, "router_smalltalk")
        log.info("routed", needs=needs, small_talk=small_talk)
        return small_talk != "yes"

    async def _ask(self, ctx: TurnContext, prompt_name: str) -> str:
        """``yes``, ``no`` or ``other`` from one yes/no prompt (``other`` if the call fails)."""
        prompt = ctx.prompts.render(
            prompt_name, message=ctx.user_text, history=history_text(ctx.history)
        )
        request = LLMRequest(messages=[ChatMessage.user(prompt)], temperature=0.0, max_tokens=24)
        try:
            reply = await ctx.complete("router", request)
            verdict = await AnswerExtractor(ctx.prompts, on_error="other").extract(
                reply.text, ["yes", "no"], llm=ctx, question=prompt.rsplit("\n", 1)[-1]
            )
        except LLMError as exc:
            log.warning("router_failed", prompt=prompt_name, error_type=type(exc).__name__)
            return "other"
        return verdict.label

    async def write_query(self, ctx: TurnContext) -> str:
        """The query writer's search query, cleaned; the user's words when it gives none."""
        prompt = ctx.prompts.render(
            "query_writer", message=ctx.user_text, history=history_text(ctx.history)
        )
        request = LLMRequest(messages=[ChatMessage.user(prompt)], temperature=0.0, max_tokens=32)
        try:
            reply = await ctx.complete("query_writer", request)
        except LLMError as exc:
            log.warning("query_writer_failed", error_type=type(exc).__name__)
            return ctx.user_text[:MAX_QUERY_CHARS]
        return clean_query(reply.text) or ctx.user_text[:MAX_QUERY_CHARS]

    async def respond(
        self, ctx: TurnContext, sources: list[Source]
    ) -> AsyncGenerator[TextDelta | Notice, None]:
        """Stream the answer from the ``primary`` role, grounded in ``sources`` when any;
        a reply cut at the length limit ends with a Notice (:data:`LENGTH_NOTE`)."""
        if sources:
            system = ctx.prompts.render("respond", passages=format_passages(sources))
        else:
            system = ctx.prompts.text("respond_direct")
        messages = [ChatMessage.system(system), *ctx.history, ChatMessage.user(ctx.user_text)]
        # aclosing: when the caller stops reading, the model must stop now; left to garbage
        # collection, the old generation would still run while the next one starts
        async with aclosing(ctx.stream("primary", LLMRequest(messages=messages))) as chunks:
            async for chunk in chunks:
                if isinstance(chunk, TextChunk) and chunk.text:
                    yield TextDelta(text=chunk.text)
                elif isinstance(chunk, FinishChunk) and chunk.reason == "length":
                    yield Notice(text=LENGTH_NOTE)
                elif isinstance(chunk, FinishChunk) and chunk.reason == "content_filter":
                    raise LLMContentFiltered(profile=ctx.models.profile_name("primary"))
