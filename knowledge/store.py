"""The knowledge base's Chroma collection: chunks with their vectors and metadata.

Every chunk carries ``path`` (the file's identity), ``file_hash`` and ``chunk_count``, so
the collection itself says which files are completely and currently indexed (see
:class:`SourceState`); no side file can disagree with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge.chroma_client import location, open_client
from knowledge.errors import CollectionMissing, EmbedderMismatch, StoreUnavailable
from knowledge.writer_lock import WriterLock

if TYPE_CHECKING:
    from config import Settings

PAGE = 5000


@dataclass
class SourceState:
    """What the collection holds for one file."""

    source: str = ""
    file_hashes: set[str] = field(default_factory=set)
    expected: set[int] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def complete(self, file_hash: str) -> bool:
        """True when every chunk of the file at ``file_hash`` is there, and nothing else."""
        return self.file_hashes == {file_hash} and self.expected == {len(self.ids)}


@dataclass
class Hit:
    id: str
    text: str
    metadata: dict[str, Any]
    score: float
    vector: np.ndarray


class KnowledgeStore:
    """One collection; ``embedder`` is recorded in its metadata and checked on every open."""

    def __init__(self, collection: Any, where: str, lock: WriterLock | None = None) -> None:
        self.collection = collection
        self.where = where
        self.lock = lock

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder_name: str,
        *,
        collection: str | None = None,
        write: bool = False,
        create: bool = True,
    ) -> KnowledgeStore:
        """Open (or create) the collection. ``write`` takes the writer lock (embedded mode)."""
        lock = None
        if write and settings.kb.url is None:
            from knowledge.chroma_client import chroma_path

            lock = WriterLock(chroma_path(settings)).acquire()
        try:
            client = open_client(settings)
            name = collection or settings.kb.collection
            coll = _get_collection(client, name, embedder_name, create)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(coll, location(settings), lock)

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()

    @property
    def name(self) -> str:
        return str(self.collection.name)

    @property
    def embedder_name(self) -> str:
        return str((self.collection.metadata or {}).get("embedder", ""))

    def count(self) -> int:
        return int(self.collection.count())

    def manifest(self) -> dict[str, SourceState]:
        """Per file ``path``: its hashes, expected and present chunk ids (one scan, paged)."""
        states: dict[str, SourceState] = {}
        for ids, metas in self._pages():
            for chunk_id, meta in zip(ids, metas, strict=True):
                state = states.setdefault(str(meta.get("path", "")), SourceState())
                state.source = str(meta.get("source", ""))
                state.file_hashes.add(str(meta.get("file_hash", "")))
                state.expected.add(int(meta.get("chunk_count", -1)))
                state.ids.add(chunk_id)
        return states

    def metadata_pages(self) -> Iterator[tuple[list[str], list[dict[str, Any]]]]:
        """Every chunk's id and metadata, a page at a time."""
        return self._pages()

    def _pages(self) -> Iterator[tuple[list[str], list[dict[str, Any]]]]:
        offset = 0
        while True:
            page = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page["ids"], page["metadatas"]
            offset += len(page["ids"])

    def all_ids(self) -> set[str]:
        """Every chunk id in the collection (ids only: one paged scan)."""
        ids: set[str] = set()
        offset = 0
        while True:
            page = self.collection.get(include=[], limit=PAGE, offset=offset)
            if not page["ids"]:
                return ids
            ids.update(page["ids"])
            offset += len(page["ids"])

    def hits(self, ids: Sequence[str], query: np.ndarray) -> dict[str, Hit]:
        """The chunks with ``ids`` that the collection holds (others are left out), scored
        by cosine similarity to the unit vector ``query``."""
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        rows = zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
        out = {}
        for chunk_id, text, meta, vector in rows:
            vec = np.asarray(vector, dtype=np.float32)
            out[chunk_id] = Hit(chunk_id, text or "", dict(meta or {}), float(vec @ query), vec)
        return out

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        for start in range(0, len(ids), self._batch()):
            end = start + self._batch()
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end].tolist(),
                documents=list(texts[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(ids), self._batch()):
            end = start + self._batch()
            self.collection.update(ids=list(ids[start:end]), metadatas=list(metadatas[start:end]))

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), self._batch()):
            self.collection.delete(ids=ids[start : start + self._batch()])

    def _batch(self) -> int:
        return 1000

    def nearest_ids(self, vector: np.ndarray, n: int) -> list[str]:
        """Ids of the ``n`` nearest chunks, best first: no metadata, text or vector, which
        cost more to read than the graph walk itself when ``n`` is in the hundreds."""
        if n <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=n, include=["distances"]
        )
        return [str(i) for i in result["ids"][0]]

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The ``n`` nearest chunks (among those ``where`` admits), best first; score is
        cosine similarity."""
        if n <= 0 or self.count() == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=n,
            where=where,
            include=["documents", "metadatas", "distances", "embeddings"],
        )
        rows = zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            result["embeddings"][0],
            strict=True,
        )
        return [
            Hit(i, d or "", dict(m or {}), 1.0 - float(dist), np.asarray(e, dtype=np.float32))
            for i, d, m, dist, e in rows
        ]


def _get_collection(client: Any, name: str, embedder_name: str, create: bool) -> Any:
    metadata = {"embedder": embedder_name, "hnsw:space": "cosine"}
    try:
        if create:
            coll = client.get_or_create_collection(name, metadata=metadata, embedding_function=None)
        else:
            coll = client.get_collection(name, embedding_function=None)
    except Exception as exc:
        if not create and ("not exist" in str(exc).lower() or "NotFound" in type(exc).__name__):
            raise CollectionMissing(
                f"collection {name!r} does not exist yet. Fix: `bot ingest PATH` first"
            ) from exc
        raise StoreUnavailable(
            f"cannot open collection {name!r}: {exc}. Fix: collection names are 3-512 "
            "characters of letters, digits, '.', '_' and '-'; ingest documents first with "
            "`bot ingest PATH`"
        ) from exc
    found = (coll.metadata or {}).get("embedder")
    if found and found != embedder_name:
        raise EmbedderMismatch(
            f"collection {name!r} was built with {found}, but kb.embedder gives {embedder_name}. "
            f"Fix: set kb.embedder back, or ingest into another collection (--collection NAME)"
        )
    return coll
