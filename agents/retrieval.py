"""Retrieval for the pipeline agent: run the search tool for one or more queries, merge."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from agents.passage_age import age_note
from contracts.events import Source
from contracts.run_context import ToolRunContext
from contracts.tools import Tool, ToolError

log = structlog.get_logger("agents.retrieval")
SEARCH_TOOL = "search_knowledge"


async def retrieve(
    tool: Tool, queries: Sequence[str], top_k: int, ctx: ToolRunContext, fetch: int | None = None
) -> list[Source]:
    """The best ``top_k`` passages over all ``queries`` (each passage once), numbered from 1.

    Searching with both the written query and the user's own words guards against a small
    model writing a poor query: the better result of the two wins, passage by passage.
    ``fetch``: how many passages to ask the tool for per query (its default when None).
    """
    best: dict[tuple[str, str, str], Source] = {}
    for query in dict.fromkeys(q.strip() for q in queries if q.strip()):
        try:
            args = tool.Args(query=query) if fetch is None else tool.Args(query=query, top_k=fetch)
            output = await tool.run(args, ctx)
        except ToolError as exc:  # the answer goes on without passages; the log says why
            log.warning("retrieval_failed", query=query[:100], error=str(exc)[:300])
            continue
        for source in output.sources:
            key = (source.source, source.heading, source.text)
            if key not in best or best[key].score < source.score:
                best[key] = source
    ranked = sorted(best.values(), key=lambda s: s.score, reverse=True)[:top_k]
    return [s.model_copy(update={"n": i}) for i, s in enumerate(ranked, 1)]


async def more_of_the_files(
    tool: Tool, query: str, found: Sequence[Source], ctx: ToolRunContext, fetch: int
) -> list[Source]:
    """Other passages of the files in ``found``, numbered on after them: the search gives a
    file one passage while others remain, so a file's other sections (the step after the
    one found) reach a quote only from a search within those files. Pass every passage
    found, not only those that cover the question: the one a file got is its best ranked,
    which may be a weak chunk under the score floor while its best answer lies behind the
    cap (README.md's "Two commands" standing for it, "Development" never searched)."""
    seen = {(s.source, s.heading, s.text) for s in found}
    files = sorted({s.source for s in found})
    try:
        output = await tool.run(tool.Args(query=query, top_k=fetch, within=files), ctx)
    except ToolError as exc:  # the quote makes do with what was found
        log.warning("retrieval_failed", query=query[:100], error=str(exc)[:300])
        return []
    extra = [
        s for s in output.sources if s.source in files and (s.source, s.heading, s.text) not in seen
    ]
    return [s.model_copy(update={"n": i}) for i, s in enumerate(extra, len(found) + 1)]


def for_the_model(
    pool: Sequence[Source], top_k: int, per_file: int
) -> tuple[list[Source], list[Source]]:
    """The ``top_k`` passages the model reads (at most ``per_file`` from one file while
    others remain, as the search ranks them) and the rest of ``pool``, numbered on after
    them: the rest is for a quote, which may show two sections of one file."""
    counts: dict[str, int] = {}
    shown: list[Source] = []
    rest: list[Source] = []
    for source in pool:
        counts[source.source] = counts.get(source.source, 0) + 1
        capped = 0 < per_file < counts[source.source]
        (rest if capped or len(shown) >= top_k else shown).append(source)
    while len(shown) < top_k and rest:  # a small knowledge base still fills every slot
        shown.append(rest.pop(0))
    numbered = [s.model_copy(update={"n": i}) for i, s in enumerate([*shown, *rest], 1)]
    return numbered[: len(shown)], numbered[len(shown) :]


def format_passages(sources: Sequence[Source]) -> str:
    """The passages as the model reads them: ``[n] source — heading``, how old the passage
    is when its source says (so the model can prefer the newer), then the text."""
    return "\n\n".join(f"[{s.n}] {s.label()}{age_note(s.modified)}\n{s.text}" for s in sources)


def cited(text: str, sources: Sequence[Source]) -> list[Source]:
    """The sources the answer cites as [n]; all of them when it cites none (small models
    often forget), so the reader can always check where the facts came from."""
    import re

    numbers = {int(n) for n in re.findall(r"\[(\d{1,2})\]", text)}
    chosen = [s for s in sources if s.n in numbers]
    return chosen or list(sources)
