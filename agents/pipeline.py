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

Each step yields a Status event; the answer streams as TextDelta; cited passages end the
turn as a Sources event. A failing router or query writer degrades to searching with the
user's own words; only the answer itself may fail the turn.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator

import structlog

from agents.grounding import weak_grounding_note
from agents.primary import LENGTH_NOTE
from agents.retrieval import cited, format_passages, retrieve
from bot.contracts.agent import TurnContext
from bot.contracts.events import (
    Event,
    Notice,
    Source,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
)
from bot.contracts.llm import FinishChunk, LLMRequest, TextChunk
from bot.contracts.llm_errors import LLMContentFiltered, LLMError
from bot.contracts.messages import ChatMessage
from judging.extractor import AnswerExtractor

log = structlog.get_logger("agents.pipeline")
SEARCH_TOOL = "search_knowledge"
QUERY_PREFIX = re.compile(r"^(?:search\s+)?(?:query|keywords|search)\s*[:\-]\s*", re.I)
PROSE = re.compile(r"\b(?:user'?s?|query|message|here'?s|i am|i'm|as an ai)\b|:$", re.I)
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
HISTORY_MESSAGES = 4


class PipelineAgent:
    """Route, write a query, retrieve, respond: each step a single-purpose LLM call."""

    async def run(self, ctx: TurnContext) -> AsyncGenerator[Event, None]:
        tool = ctx.tools.get(SEARCH_TOOL)
        sources: list[Source] = []
        if tool is not None:
            yield Status(text="deciding whether to search the knowledge base…")
            with ctx.span.child("agent.step", {"bot.agent.step_name": "route"}) as span:
                needed = await self.needs_knowledge(ctx.within(span))
            if needed:
                yield Status(text="writing a search query…")
                with ctx.span.child("agent.step", {"bot.agent.step_name": "query"}) as span:
                    query = await self.write_query(ctx.within(span))
                yield Status(text=f"searching the knowledge base for “{query}”…")
                yield ToolCall(id="pipeline-search", name=SEARCH_TOOL, arguments={"query": query})
                with ctx.span.child("agent.step", {"bot.agent.step_name": "retrieve"}) as span:
                    sources = await retrieve(tool, [query, ctx.user_text], ctx.settings.kb.top_k,
                                             ctx.within(span).for_tool(SEARCH_TOOL))
                yield ToolResult(
                    id="pipeline-search", name=SEARCH_TOOL, content=f"{len(sources)} passages"
                )
        yield Status(text="writing the answer…")
        answer = ""
        with ctx.span.child("agent.step", {"bot.agent.step_name": "respond"}) as span:
            async for event in self.respond(ctx.within(span), sources):
                answer += event.text
                yield event
        shown = cited(answer, sources)
        note = weak_grounding_note(answer, sources)
        if note is not None:
            yield Notice(text=note.lstrip("\n"))
            shown = shown if sources[0] in shown else [sources[0], *shown]
        if sources:
            yield Sources(sources=shown)

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
        prompt = ctx.prompts.render(prompt_name, message=ctx.user_text, history=_history(ctx))
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
        prompt = ctx.prompts.render("query_writer", message=ctx.user_text, history=_history(ctx))
        request = LLMRequest(messages=[ChatMessage.user(prompt)], temperature=0.0, max_tokens=32)
        try:
            reply = await ctx.complete("query_writer", request)
        except LLMError as exc:
            log.warning("query_writer_failed", error_type=type(exc).__name__)
            return ctx.user_text[:MAX_QUERY_CHARS]
        return clean_query(reply.text) or ctx.user_text[:MAX_QUERY_CHARS]

    async def respond(
        self, ctx: TurnContext, sources: list[Source]
    ) -> AsyncIterator[TextDelta | Notice]:
        """Stream the answer from the ``primary`` role, grounded in ``sources`` when any."""
        if sources:
            system = ctx.prompts.render("respond", passages=format_passages(sources))
        else:
            system = ctx.prompts.text("respond_direct")
        messages = [ChatMessage.system(system), *ctx.history, ChatMessage.user(ctx.user_text)]
        async for chunk in ctx.stream("primary", LLMRequest(messages=messages)):
            if isinstance(chunk, TextChunk) and chunk.text:
                yield TextDelta(text=chunk.text)
            elif isinstance(chunk, FinishChunk) and chunk.reason == "length":
                yield Notice(text=LENGTH_NOTE)
            elif isinstance(chunk, FinishChunk) and chunk.reason == "content_filter":
                raise LLMContentFiltered(profile=ctx.models.profile_name("primary"))


def clean_query(reply: str) -> str:
    """The query in the writer's reply: its first line without a "Query:" label, quotes or
    trailing punctuation; empty when that line reads like prose rather than a query (small
    models describe the task instead of doing it), so the user's words are used instead."""
    for line in reply.strip().splitlines():
        line = QUERY_PREFIX.sub("", line.replace("*", "").replace("`", "").strip("#>- \t"))
        line = line.strip().strip("\"'“”.?!").strip()
        if line:
            return line if plausible_query(line) else ""
    return ""


def plausible_query(text: str) -> bool:
    """A few keywords, not a sentence about the user, the query or the message."""
    words = text.split()
    return 0 < len(words) <= MAX_QUERY_WORDS and not PROSE.search(text) and len(text) <= 200


def _history(ctx: TurnContext) -> str:
    """The last few messages, short, so a follow-up ("and for Gradio?") can be understood."""
    recent = [m for m in ctx.history if m.role in ("user", "assistant") and m.content]
    lines = [f"{m.role}: {m.content[:300]}" for m in recent[-HISTORY_MESSAGES:]]
    return "Earlier conversation:\n" + "\n".join(lines) + "\n\n" if lines else ""
