"""Searching the knowledge base: nearest chunks, a score floor, near-duplicates collapsed.

Shared by the ``search_knowledge`` tool, the pipeline agent and ``bot kb search``. The
store and the embedding model are opened on the first search, not before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from knowledge.embedder import embedder_name
from knowledge.errors import CollectionMissing
from knowledge.store import Hit, KnowledgeStore

if TYPE_CHECKING:
    from config import Settings
    from knowledge.embedder import Embedder

OVERFETCH = 3  # duplicates and low scores are dropped after the nearest-neighbour query


@dataclass
class Passage:
    """One retrieved chunk, ready to cite."""

    text: str
    source: str
    title: str
    heading: str
    score: float
    chunk_id: str


class Searcher:
    """Thread-safe; one per process is enough."""

    def __init__(
        self, settings: Settings, *, embedder: Embedder | None = None, collection: str | None = None
    ) -> None:
        self.settings = settings
        self.collection = collection or settings.kb.collection
        self._embedder = embedder
        self._store: KnowledgeStore | None = None
        self._lock = threading.Lock()

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

    def search(
        self, query: str, top_k: int | None = None, min_score: float | None = None
    ) -> list[Passage]:
        """Up to ``top_k`` passages scoring at least ``min_score``, best first."""
        kb = self.settings.kb
        k = top_k or kb.top_k
        floor = kb.min_score if min_score is None else min_score
        store, embedder = self._open()
        if store is None or not query.strip():
            return []
        hits = store.query(embedder.embed_query(query), k * OVERFETCH)
        kept = collapse_duplicates([h for h in hits if h.score >= floor], kb.duplicate_score)
        return [to_passage(h) for h in kept[:k]]

    def count(self) -> int:
        store, _ = self._open()
        return store.count() if store is not None else 0


def collapse_duplicates(hits: list[Hit], threshold: float) -> list[Hit]:
    """Keep the best of each group of passages whose vectors are ``threshold``-similar
    (or whose text is identical), so one fact copied across files fills one slot."""
    kept: list[Hit] = []
    seen_text: set[str] = set()
    for hit in sorted(hits, key=lambda h: h.score, reverse=True):
        text_key = str(hit.metadata.get("content_hash") or hit.text)
        if text_key in seen_text:
            continue
        if any(float(np.dot(hit.vector, k.vector)) >= threshold for k in kept):
            continue
        kept.append(hit)
        seen_text.add(text_key)
    return kept


def to_passage(hit: Hit) -> Passage:
    meta = hit.metadata
    return Passage(
        text=hit.text,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")),
        score=round(hit.score, 4),
        chunk_id=hit.id,
    )
