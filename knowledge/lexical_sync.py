"""Keeping the lexical index in agreement with Chroma, the source of truth.

Chunk ids are derived from a chunk's file and text, so two sets of ids say everything:
ids the index has and Chroma lacks are deleted from the index, ids Chroma has and the index
lacks are read from Chroma (text and heading) and indexed. That makes one mechanism serve
every case: the first search after an upgrade builds the index from an existing collection;
a killed ``bot ingest`` is caught up; and with a Chroma server every replica keeps its own
index (in its data dir) in step with the one collection all of them share.

Rows also carry who may read the chunk and its vector (:mod:`knowledge.lexical_access`):
an index built before they were kept gets them from Chroma once (metadata and stored
vectors, nothing is embedded again), and a row written without a vector gets it on the
next sync.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import structlog

from knowledge.lexical import LexicalIndex
from knowledge.lexical_access import KEPT

if TYPE_CHECKING:
    from config import Settings
    from knowledge.store import KnowledgeStore

log = structlog.get_logger("knowledge.lexical_sync")

FETCH_PAGE = 1000


@dataclass
class SyncResult:
    added: int = 0
    deleted: int = 0
    reset: bool = False


def lexical_path(settings: Settings, collection: str) -> Path:
    """``<data_dir>/lexical/<collection>.sqlite3`` beside an embedded Chroma; for a Chroma
    server ``<data_dir>/lexical/<host>-<port>/<collection>.sqlite3`` (one per replica)."""
    base = settings.data_dir / "lexical"
    if settings.kb.url:
        parts = urlsplit(
            settings.kb.url if "://" in settings.kb.url else f"http://{settings.kb.url}"
        )
        base = base / f"{parts.hostname}-{parts.port or 8000}"
    return base / f"{collection}.sqlite3"


def open_index(settings: Settings, collection: str) -> LexicalIndex:
    return LexicalIndex(lexical_path(settings, collection))


def lexical_row(
    chunk_id: str, metadata: Mapping[str, Any], text: str, vector: Any = None
) -> tuple[str, str, str, tuple[str, ...], Any]:
    """What the index stores for a chunk: id, title and heading path, text, readers, and
    its vector (None: filled in by the next sync)."""
    title, heading = str(metadata.get("title", "")), str(metadata.get("heading", ""))
    context = heading if heading.startswith(title) else " › ".join(p for p in (title, heading) if p)
    return chunk_id, context, text, readers_of(metadata), vector


def readers_of(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """A chunk's readers; one written before permissions has none and is public."""
    readers = metadata.get("readers")
    if readers is None:
        return ("public",)
    return (readers,) if isinstance(readers, str) else tuple(str(r) for r in readers)


def sync(
    store: KnowledgeStore, index: LexicalIndex, chroma_ids: set[str] | None = None
) -> SyncResult:
    """Make ``index`` hold exactly the chunks of ``store`` (``chroma_ids`` when known)."""
    result = SyncResult()
    collection_id = str(store.collection.id)
    if index.get_meta("collection_id") != collection_id:  # a new or re-created collection
        result.reset = index.count() > 0
        index.clear()
        index.set_meta("collection_id", collection_id)
    want = store.all_ids() if chroma_ids is None else chroma_ids
    have = index.ids()
    if index.get_meta(KEPT) != "1":  # built before readers and vectors were kept
        _copy_access(store, index, sorted(have & want))
        index.set_meta(KEPT, "1")
    result.deleted = index.delete(sorted(have - want))
    for page in _pages(sorted(want - have)):
        got = store.collection.get(ids=list(page), include=["documents", "metadatas", "embeddings"])
        rows = zip(got["ids"], got["metadatas"], got["documents"], got["embeddings"], strict=True)
        result.added += index.add(lexical_row(i, m or {}, d or "", e) for i, m, d, e in rows)
    _fill_vectors(store, index, index.without_vectors())
    return result


def _copy_access(store: KnowledgeStore, index: LexicalIndex, ids: Sequence[str]) -> None:
    """Readers and vectors of rows indexed before they were kept, from Chroma."""
    if ids:
        log.info("lexical_access_backfill", collection=store.name, chunks=len(ids))
    for page in _pages(ids):
        got = store.collection.get(ids=list(page), include=["metadatas"])
        index.set_readers(
            {i: readers_of(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}
        )
    _fill_vectors(store, index, ids)
    index.drop_old_readers()


def _fill_vectors(store: KnowledgeStore, index: LexicalIndex, ids: Sequence[str]) -> None:
    for page in _pages(ids):
        got = store.collection.get(ids=list(page), include=["embeddings"])
        index.set_vectors(dict(zip(got["ids"], got["embeddings"], strict=True)))


def _pages(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), FETCH_PAGE):
        yield ids[start : start + FETCH_PAGE]
