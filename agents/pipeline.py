"""The pipeline agent (``agent = "pipeline"``): one LLM, one job, one prompt per step.

Small local models cannot drive a tool-calling loop, but they can answer one narrow
question at a time:

1. router (role ``router``, prompt ``router.txt``): does this message need the knowledge
   base? The verbose yes/no is read by the answer extractor (rules first, then the
   ``extractor`` role); when it cannot tell, the agent searches (a wasted search costs
   little, a missed one costs a wrong answer).
2. query writer (role ``query_writer``, ``query_writer.txt``): the search query.
3. retrieve: the ``search_knowledge`` tool, for the written query and the user's words.
4. respond (role ``primary``, ``respond.txt``): the answer from the passages, citing [n].

Each step yields a Status event; the answer streams as TextDelta; cited passages end the
turn as a Sources event. A failing router or query writer degrades to searching with the
user's own words; only the answer itself may fail the turn.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import structlog

from agents.extractor import AnswerExtractor
from agents.primary import LENGTH_NOTE
from agents.retrieval import cited, format_passages, retrieve
from bot.agent import TurnContext
from bot.events import Event, Source, Sources, Status, TextDelta, ToolCall, ToolResult
from bot.llm.errors import LLMContentFiltered, LLMError
from bot.llm.protocol import FinishChunk, LLMRequest, TextChunk
from bot.messages import ChatMessage

log = structlog.get_logger("agents.pipeline")
SEARCH_TOOL = "search_knowledge"
QUERY_PREFIX = re.compile(r"^(?:search\s+)?(?:query|keywords|search)\s*[:\-]\s*", re.I)
MAX_QUERY_CHARS = 200
HISTORY_MESSAGES = 4


class PipelineAgent:
    """Route, write a query, retrieve, respond: each step a single-purpose LLM call."""

    async def run(self, ctx: TurnContext) -> AsyncIterator[Event]:
        tool = ctx.tools.get(SEARCH_TOOL)
        sources: list[Source] = []
        if tool is not None:
            yield Status(text="deciding whether to search the knowledge base…")
            if await self.needs_knowledge(ctx):
                yield Status(text="writing a search query…")
                query = await self.write_query(ctx)
                yield Status(text=f"searching the knowledge base for “{query}”…")
                yield ToolCall(id="pipeline-search", name=SEARCH_TOOL, arguments={"query": query})
                sources = await retrieve(tool, [query, ctx.user_text], ctx.settings.kb.top_k)
                yield ToolResult(id="pipeline-search", name=SEARCH_TOOL,
                                 content=f"{len(sources)} passages")
        yield Status(text="writing the answer…")
        answer = ""
        async for event in self.respond(ctx, sources):
            answer += event.text
            yield event
        if sources:
            yield Sources(sources=cited(answer, sources))

    async def needs_knowledge(self, ctx: TurnContext) -> bool:
        """The router's verdict; True unless it clearly says no."""
        prompt = ctx.prompts.render("router", message=ctx.user_text, history=_history(ctx))
        request = LLMRequest(messages=[ChatMessage.user(prompt)], temperature=0.0, max_tokens=48)
        try:
            reply = await ctx.complete("router", request)
            verdict = await AnswerExtractor(ctx.prompts, on_error="other").extract(
                reply.text, ["yes", "no"], llm=ctx, question="Does the message need the documents?"
            )
        except LLMError as exc:
            log.warning("router_failed", error_type=type(exc).__name__)
            return True
        log.info("routed", label=verdict.label, path=verdict.path)
        return verdict.label != "no"

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

    async def respond(self, ctx: TurnContext, sources: list[Source]) -> AsyncIterator[TextDelta]:
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
                yield TextDelta(text=LENGTH_NOTE)
            elif isinstance(chunk, FinishChunk) and chunk.reason == "content_filter":
                raise LLMContentFiltered(profile=ctx.models.profile_name("primary"))


def clean_query(reply: str) -> str:
    """The first non-empty line, without a "Query:" label, quotes or trailing punctuation."""
    for line in reply.strip().splitlines():
        line = QUERY_PREFIX.sub("", line.strip().strip("*`#>- ")).strip().strip("\"'“”.?!")
        if line:
            return line[:MAX_QUERY_CHARS].strip()
    return ""


def _history(ctx: TurnContext) -> str:
    """The last few messages, short, so a follow-up ("and for Gradio?") can be understood."""
    recent = [m for m in ctx.history if m.role in ("user", "assistant") and m.content]
    lines = [f"{m.role}: {m.content[:300]}" for m in recent[-HISTORY_MESSAGES:]]
    return "Earlier conversation:\n" + "\n".join(lines) + "\n\n" if lines else ""
