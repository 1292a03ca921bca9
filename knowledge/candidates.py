"""The candidate passages of one search, best first: dense, lexical or hybrid (fused).

Dense is Chroma's nearest neighbours by cosine similarity. Lexical is BM25 over the FTS5
index. Hybrid fuses three rankings with reciprocal-rank fusion: the vectors, BM25, and the
chunks that hold the question's identifiers exactly; the fused candidates are then fused
again with their order by how many of the question's words each holds
(:mod:`knowledge.term_coverage`), and then with their order by how well their page ranks in
the three rankings (:mod:`knowledge.page_fusion`). Lexical-only candidates are looked up
in Chroma by id (ids Chroma no longer holds are dropped), so every passage comes with the
same metadata, text and cosine score as a dense one, and citations look the same.

Filtered by an asker's grants, both rankings draw only on readable chunks before they are
cut, through :mod:`knowledge.nearest_readable`: BM25 over-fetched or filtered inside the
FTS5 query, the vectors over-fetched or scored from the lexical index's copies. Chroma's
own ``$contains`` filter is used only where there is no lexical index (dense retrieval).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from knowledge.fusion import reciprocal_rank_fusion
from knowledge.nearest_readable import nearest_readable, overfetched
from knowledge.page_fusion import by_page
from knowledge.readers import where_readable
from knowledge.term_coverage import by_coverage

WITHIN_OVERFETCH = 4  # BM25 over every file, cut to a few: fetch more to keep enough

if TYPE_CHECKING:
    import numpy as np

    from config.sections import KnowledgeBaseSettings
    from knowledge.lexical import LexicalIndex
    from knowledge.lexical_access import Readable
    from knowledge.store import Hit, KnowledgeStore


def candidates(
    kb: KnowledgeBaseSettings,
    store: KnowledgeStore,
    lexical: LexicalIndex | None,
    query: str,
    vector: np.ndarray,
    wanted: int,
    grants: Sequence[str] | None = None,
    within: Sequence[str] = (),
) -> list[Hit]:
    """At most ``wanted`` hits in ranked order, for ``kb.retrieval``, among the passages a
    reader holding ``grants`` may read (None: all). Both indexes filter inside the query, so
    ``wanted`` readable passages come back whenever that many match. ``within``: only
    passages of these files (their ``source``), ranked the hybrid way too (see ``_within``):
    a file's other sections, once a search has found the file."""
    if kb.retrieval == "dense" or lexical is None:
        return store.query(vector, wanted, chroma_filter(grants, within))
    pool = max(kb.candidates, wanted)
    readable = None if grants is None else lexical.readable(grants)
    if within:
        return _within(kb, store, lexical, query, vector, wanted, (grants, readable), within)
    words = _bm25(lexical.search, lexical, query, pool, grants, readable)
    if kb.retrieval == "lexical":
        return _hydrate(store, words[:wanted], vector, {})
    dense_ids, known = _dense(store, lexical, vector, pool, readable)
    idents = _bm25(lexical.search_identifiers, lexical, query, pool, grants, readable)
    rankings = [
        (dense_ids, kb.dense_weight),
        (words, kb.lexical_weight),
        (idents, kb.identifier_weight),
    ]
    fused = reciprocal_rank_fusion(rankings, kb.rrf_k)[:pool]
    hits = _hydrate(store, fused, vector, known)
    hits = by_coverage(hits, query, kb.coverage_weight, kb.rrf_k)
    return by_page(hits, rankings, kb.page_weight, kb.rrf_k)[:wanted]


def _within(
    kb: KnowledgeBaseSettings,
    store: KnowledgeStore,
    lexical: LexicalIndex,
    query: str,
    vector: np.ndarray,
    wanted: int,
    access: tuple[Sequence[str] | None, Readable | None],
    within: Sequence[str],
) -> list[Hit]:
    """The hybrid ranking among the chunks of the files ``within``: the vectors filtered by
    Chroma, fused with BM25 cut to those files. By the vectors alone, a section that names
    what was asked but reads unlike the question (a table, code, a list of steps) was never
    found, however well its words match."""
    grants, readable = access
    pool = max(kb.candidates, wanted)
    dense = store.query(vector, pool, chroma_filter(grants, within))
    # the word index does not know files: over-fetch its ranking, then keep those files'
    words = _bm25(lexical.search, lexical, query, pool * WITHIN_OVERFETCH, grants, readable)
    found = {h.id: h for h in dense}
    found |= store.hits([i for i in words if i not in found], vector)
    files = set(within)
    in_files = [i for i in words if i in found and found[i].metadata.get("source") in files]
    fused = reciprocal_rank_fusion(
        [([h.id for h in dense], kb.dense_weight), (in_files, kb.lexical_weight)], kb.rrf_k
    )
    hits = [found[i] for i in fused]
    return by_coverage(hits, query, kb.coverage_weight, kb.rrf_k)[:wanted]


def chroma_filter(grants: Sequence[str] | None, within: Sequence[str]) -> dict[str, Any] | None:
    """Readable by ``grants`` (None: anyone) and, when ``within`` names files, from them."""
    clauses = [] if grants is None else [where_readable(grants)]
    if within:
        clauses.append({"source": {"$in": list(within)}})
    return {"$and": clauses} if len(clauses) > 1 else (clauses[0] if clauses else None)


def _bm25(
    search: Callable[..., list[str]],
    lexical: LexicalIndex,
    query: str,
    pool: int,
    grants: Sequence[str] | None,
    readable: Readable | None,
) -> list[str]:
    """A BM25 ranking's readable top ``pool``: over-fetched unfiltered for askers who may
    read much, filtered inside the FTS5 query for the others."""
    if grants is None or readable is None:
        return search(query, pool)
    found = overfetched(lambda k: search(query, k), lexical, pool, readable)
    return found if found is not None else search(query, pool, grants)


def _dense(
    store: KnowledgeStore,
    lexical: LexicalIndex,
    vector: np.ndarray,
    pool: int,
    readable: Readable | None,
) -> tuple[list[str], dict[str, Hit]]:
    """The dense ranking's ids, and the hits Chroma already returned whole."""
    if readable is None:
        dense = store.query(vector, pool)
        return [h.id for h in dense], {h.id: h for h in dense}
    # ids only: just the few that survive fusion are read from Chroma
    return nearest_readable(store, lexical, vector, pool, readable), {}


def _hydrate(
    store: KnowledgeStore, ids: list[str], vector: np.ndarray, known: dict[str, Hit]
) -> list[Hit]:
    found = {**known, **store.hits([i for i in ids if i not in known], vector)}
    return [found[i] for i in ids if i in found]
