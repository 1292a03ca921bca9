"""The ``search_knowledge`` tool: the knowledge base's best passages, with their sources.

Left out of the bot (``from_settings`` returns None) when the ``rag`` extra is not
installed or ``kb.enabled`` is off, so a minimal install still chats.
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from contracts.events import Source
from contracts.run_context import ToolRunContext
from contracts.tools import ToolError, ToolOutput
from contracts.tracing import AttrValue
from knowledge.errors import KBError

if TYPE_CHECKING:
    from config import Settings
    from knowledge.search import Passage, Searcher

RAG_MODULES = ("chromadb", "onnxruntime", "tokenizers", "numpy")
EMPTY = (
    "The knowledge base is empty: no documents have been ingested yet (`bot ingest PATH`). "
    "Say so, and answer from general knowledge only if you are sure."
)


class SearchArgs(BaseModel):
    query: str = Field(description="what to look for, in a few words, e.g. 'connect to Slack'")
    top_k: int | None = Field(None, ge=1, le=20, description="how many passages (default 4)")
    within: list[str] = Field(
        default_factory=list, max_length=20, description="only passages of these sources (optional)"
    )


def rag_installed(embedder: str = "minilm") -> bool:
    """Whether the optional parts the knowledge base needs are importable (nothing imported)."""
    needed = RAG_MODULES if embedder == "minilm" else ("chromadb", "numpy", "openai")
    return all(importlib.util.find_spec(m) is not None for m in needed)


class SearchKnowledge:
    name = "search_knowledge"
    description = (
        "Search the team's documents (the knowledge base) and return the most relevant "
        "passages with their sources. Use it for any question about the documents."
    )
    Args = SearchArgs

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._others: dict[str, Searcher] = {}  # collections that spaces pick
        self._lock = threading.Lock()

    def searcher_for(self, collection: str) -> Searcher:
        """The searcher of the turn's collection (a space may pick its own); blocking."""
        with self._lock:
            if collection not in self._others:
                self._others[collection] = self.searcher.for_collection(collection)
            return self._others[collection]

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchKnowledge | None:
        """The tool, or None when the knowledge base is switched off or not installed."""
        if not settings.kb.enabled or not rag_installed(settings.kb.embedder):
            return None
        from knowledge.search import Searcher

        return cls(Searcher(settings))

    async def run(self, args: SearchArgs, ctx: ToolRunContext) -> ToolOutput:
        attrs: dict[str, AttrValue] = {"bot.kb.collection": ctx.settings.kb.collection,
                                       "bot.kb.top_k": args.top_k or ctx.settings.kb.top_k}
        with ctx.span.child("retrieval", attrs) as span:
            output = await self._search(args, ctx)
            span.set("bot.kb.passages", len(output.sources))
            span.set("bot.kb.top_score", max((s.score for s in output.sources), default=0.0))
            return output

    async def _search(self, args: SearchArgs, ctx: ToolRunContext) -> ToolOutput:
        try:
            searcher = await asyncio.to_thread(self.searcher_for, ctx.settings.kb.collection)
            passages = await asyncio.to_thread(
                searcher.search, args.query, args.top_k, None, ctx.principal, args.within)
            await asyncio.to_thread(searcher.add_sections, passages)
            if passages or ctx.cancel.is_set():  # a stopped turn needs no second query
                return passages_output(args.query, passages)
            if await asyncio.to_thread(searcher.count) == 0:
                return ToolOutput(content=EMPTY)
        except KBError as exc:
            raise ToolError(f"the knowledge base is unavailable: {exc}") from exc
        return passages_output(args.query, passages)


def passages_output(query: str, passages: list[Passage]) -> ToolOutput:
    """A one-line summary for the model, the passages themselves as numbered sources."""
    if not passages:
        return ToolOutput(
            content=f"No passage in the knowledge base matches {query!r} well enough. "
            "Say that the documents do not cover it."
        )
    sources = [
        Source(n=i, source=p.source, title=p.title, heading=p.heading, score=p.score, text=p.text,
               url=p.url, modified=p.modified, section=p.section, readers=list(p.readers))
        for i, p in enumerate(passages, 1)
    ]
    return ToolOutput(
        content=f"{len(passages)} passages for {query!r}; cite them by number.", sources=sources
    )
