"""Searching the knowledge base: candidates (dense, lexical or hybrid), a score floor, an
optional cross-encoder reranker, near-duplicates collapsed.

Shared by the ``search_knowledge`` tool, the pipeline agent, ``bot kb search`` and
``bot eval retrieval``. The store, the lexical index and the models are opened on the first
search, not before; the lexical index is brought in step with Chroma then, and again when
Chroma's chunk count moves or a minute has passed (see :mod:`knowledge.lexical_sync`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from contracts.access import may_read
from knowledge.candidates import candidates
from knowledge.embedder import embedder_name
from knowledge.errors import CollectionMissing
from knowledge.lexical_sync import readers_of
from knowledge.readers import backfill_public
from knowledge.store import Hit, KnowledgeStore

if TYPE_CHECKING:
    from config import Settings
    from contracts.access import Principal
    from knowledge.embedder import Embedder
    from knowledge.lexical import LexicalIndex
    from knowledge.rerank import Reranker
    from knowledge.sections import SectionTexts

OVERFETCH = 3  # duplicates and low scores are dropped after the candidates are ranked
RECHECK_S = 60.0  # a full id comparison with Chroma at most this often


@dataclass
class Passage:
    """One retrieved chunk, ready to cite."""

    text: str
    source: str
    title: str
    heading: str
    score: float
    chunk_id: str
    url: str = ""  # where a colleague opens it (synced sources; empty for ingested files)
    modified: str = ""  # ISO 8601, when the source last changed it (synced sources)
    path: str = ""  # the file as ingested: the key of its sections
    section: str = ""  # the whole section the chunk was cut from (see add_sections)
    readers: tuple[str, ...] = ("public",)


class Searcher:
    """Thread-safe; one per process is enough."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        collection: str | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.settings = settings
        self.collection = collection or settings.kb.collection
        self._embedder = embedder
        self._reranker = reranker
        self._store: KnowledgeStore | None = None
        self._lexical: LexicalIndex | None = None
        self._synced_at = 0.0
        self._backfilled = False
        self._lock = threading.Lock()
        self._sections: SectionTexts | None = None

    def for_collection(self, collection: str) -> Searcher:
        """A searcher of ``collection`` sharing this one's embedding model (loaded now)."""
        if collection == self.collection:
            return self
        with self._lock:
            if self._embedder is None:
                from knowledge.embedder import build_embedder

                self._embedder = build_embedder(self.settings)
        return Searcher(self.settings, embedder=self._embedder, collection=collection)

    def _open(self) -> tuple[KnowledgeStore | None, Embedder]:
        with self._lock:
            if self._embedder is None:
                from knowledge.embedder import build_embedder

                self._embedder = build_embedder(self.settings)
            if self._store is None:
                name = self._embedder.name or embedder_name(self.settings)
                try:
                    self._store = KnowledgeStore.open(
                        self.settings, name, collection=self.collection, create=False
                    )
                except CollectionMissing:
                    return None, self._embedder  # ingested later? look again next time
            return self._store, self._embedder

    def _lexical_index(self, store: KnowledgeStore) -> LexicalIndex | None:
        """The lexical index, caught up with Chroma (None in dense mode)."""
        if self.settings.kb.retrieval == "dense":
            return None
        from knowledge.lexical_sync import open_index, sync

        with self._lock:
            if self._lexical is None:
                self._lexical = open_index(self.settings, self.collection)
            stale = time.monotonic() - self._synced_at > RECHECK_S
            if stale or store.count() != self._lexical.count():
                sync(store, self._lexical)
                self._synced_at = time.monotonic()
            return self._lexical

    def search(
        self,
        query: str,
        top_k: int | None = None,
        min_score: float | None = None,
        principal: Principal | None = None,
        within: Sequence[str] = (),
    ) -> list[Passage]:
        """Up to ``top_k`` passages scoring at least ``min_score``, best first; with a
        ``principal``, only passages it may read (filtered inside both indexes, before top-k);
        with ``within``, only passages of those files (see ``candidates``)."""
        kb = self.settings.kb
        k = top_k or kb.top_k
        floor = kb.min_score if min_score is None else min_score
        store, embedder = self._open()
        if store is None or not query.strip():
            return []
        vector = embedder.embed_query(query)
        wanted = max(
            k * OVERFETCH,
            kb.rerank_candidates if self._reranker_or_none() else 0,
            kb.candidates if kb.max_per_source > 0 else 0,  # files take turns over all of them
        )
        grants = None if principal is None else self._grants(store, principal)
        found = candidates(
            kb, store, self._lexical_index(store), query, vector, wanted, grants, within
        )
        # a replica's lexical copy of readers may lag a permission sync: Chroma decides
        hits = [
            h for h in found if h.score >= floor and may_read(h.metadata.get("readers"), principal)
        ]
        reranker = self._reranker_or_none()
        if reranker is not None:
            hits = reranker.rerank(query, hits[: kb.rerank_candidates])
        kept = per_source(collapse_duplicates(hits, kb.duplicate_score), kb.max_per_source)
        return [to_passage(h) for h in kept[:k]]

    def add_sections(self, passages: list[Passage]) -> None:
        """Fill each passage's ``section``: the whole section it was cut from."""
        store, _ = self._open()
        if store is None:
            return
        from knowledge.sections import SectionTexts

        with self._lock:
            self._sections = self._sections or SectionTexts()
            for passage in passages:
                passage.section = self._sections.of(store, passage.path, passage.heading)

    def _grants(self, store: KnowledgeStore, principal: Principal) -> list[str]:
        """``principal``'s grants, once every old chunk carries readers where Chroma's own
        filter is used (dense retrieval; the lexical index reads a missing list as public)."""
        with self._lock:
            if not self._backfilled and self.settings.kb.retrieval == "dense":
                backfill_public(store)
                self._backfilled = True
        return list(principal.grants)

    def _reranker_or_none(self) -> Reranker | None:
        if self._reranker is None and self.settings.kb.rerank_model:
            from knowledge.rerank import build_reranker

            with self._lock:
                if self._reranker is None:
                    self._reranker = build_reranker(self.settings)
        return self._reranker

    def count(self) -> int:
        store, _ = self._open()
        return store.count() if store is not None else 0


def collapse_duplicates(hits: list[Hit], threshold: float) -> list[Hit]:
    """Keep the first (best ranked) of each group of passages whose vectors are
    ``threshold``-similar (or whose text is identical), so one fact copied across files
    fills one slot."""
    kept: list[Hit] = []
    seen_text: set[str] = set()
    vectors: np.ndarray | None = None  # the kept hits' vectors, one row each
    for hit in hits:
        text_key = str(hit.metadata.get("content_hash") or hit.text)
        if text_key in seen_text:
            continue
        if vectors is None:
            vectors = np.empty((len(hits), len(hit.vector)), dtype=np.float32)
        elif kept and float(np.max(vectors[: len(kept)] @ hit.vector)) >= threshold:
            continue
        vectors[len(kept)] = hit.vector
        kept.append(hit)
        seen_text.add(text_key)
    return kept


def per_source(hits: list[Hit], limit: int) -> list[Hit]:
    """At most ``limit`` hits from each source file (0 = no limit), best first; the rest
    follow in order, so a small knowledge base still fills every slot."""
    if limit <= 0:
        return hits
    counts: dict[str, int] = {}
    first: list[Hit] = []
    rest: list[Hit] = []
    for hit in hits:
        source = str(hit.metadata.get("path") or hit.metadata.get("source", ""))
        counts[source] = counts.get(source, 0) + 1
        (first if counts[source] <= limit else rest).append(hit)
    return first + rest


def to_passage(hit: Hit) -> Passage:
    meta = hit.metadata
    return Passage(
        text=hit.text,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")),
        score=round(hit.score, 4),
        chunk_id=hit.id,
        url=str(meta.get("url", "")),
        modified=str(meta.get("modified", "")),
        path=str(meta.get("path", "")),
        readers=readers_of(meta),
    )
