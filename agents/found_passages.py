"""The passages a checked turn works from: the covering ones the model reads, the rest of
them for a quote, and other covering sections of the files found (a quote's next step).

Coverage is decided on the search's ranking first. When nothing there covers the
message, the files' own best sections for the user's words decide: the search gives a
file the passage it ranks best, which may be a weak one under ``pipeline.min_score``
while a section behind it answers ("How do I add my own documents?" finds
knowledge-base.md through its default-docs section; its ingest section covers it).
A question the documents only mention stays uncovered: every passage still needs the
score and the topic words (agents/coverage.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.coverage import covering
from agents.retrieval import for_the_model, more_of_the_files, retrieve
from contracts.events import Source
from contracts.messages import ChatMessage
from contracts.run_context import ToolRunContext
from contracts.tools import Tool

WIDER = 2  # passages fetched per passage the model reads
MAX_FETCH = 20  # the search tool's own limit


@dataclass(frozen=True)
class FoundPassages:
    """``shown``: what the model reads; ``pool``: the covering rest, numbered on after it;
    ``more``: other covering sections of the files found, numbered on after the pool."""

    shown: list[Source] = field(default_factory=list)
    pool: list[Source] = field(default_factory=list)
    more: list[Source] = field(default_factory=list)


async def find_passages(
    tool: Tool, queries: Sequence[str], message: str, history: list[ChatMessage],
    ctx: ToolRunContext,
) -> FoundPassages:
    """Search for ``queries``; keep what covers ``message``, split for the model and a quote."""
    kb, min_score = ctx.settings.kb, ctx.settings.pipeline.min_score
    wider = min(kb.top_k * WIDER, MAX_FETCH)  # the quote may use a file's second section
    passages = await retrieve(tool, queries, wider, ctx, fetch=wider)
    if not passages:
        return FoundPassages()
    # every file found, not only the covering ones: see more_of_the_files
    within = await more_of_the_files(tool, message, passages, ctx, MAX_FETCH)
    kept = covering(passages, message, history, min_score)
    if not kept:
        kept, within = covering(within, message, history, min_score), []
    shown, pool = for_the_model(kept, kb.top_k, kb.max_per_source)
    more = covering(within, message, history, min_score, len(kept) + 1)
    return FoundPassages(shown, pool, more)
