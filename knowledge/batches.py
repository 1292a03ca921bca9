"""Load -> chunk -> embed as plain functions over column batches.

A batch is a mapping of column name -> sequence (``{"path": [...], "source": [...]}``),
which is exactly what Ray Data's ``Dataset.map_batches`` passes (numpy arrays by default)
and accepts back (a dict of lists). The local ingestion path calls the very same callables,
so Ray and local ingestion cannot drift apart:

    ds.map_batches(LoadBatch(max_bytes, current_hashes))
      .map_batches(ChunkBatch, fn_constructor_args=(settings, known_ids))
      .map_batches(EmbedBatch, fn_constructor_args=(settings,))

``ChunkBatch`` and ``EmbedBatch`` are classes so that each worker loads its tokenizer or
model once, in ``__init__``. Skipped and unchanged files travel as rows with a ``status``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.access import PUBLIC
from knowledge.chunker import chunk_document
from knowledge.documents import Document, Section, SkipFile
from knowledge.ids import chunk_ids, content_hash, file_hash
from knowledge.loaders import load_file

if TYPE_CHECKING:
    from config import Settings
    from knowledge.embedder import Embedder
    from knowledge.tokens import TokenCounter

Batch = Mapping[str, Any]  # column -> list or numpy array (what Ray Data passes)
LOADED_COLUMNS = ("path", "source", "status", "reason", "file_hash", "title", "kind", "sections")
CHUNK_COLUMNS = (
    "id",
    "path",
    "source",
    "title",
    "heading",
    "kind",
    "chunk_index",
    "chunk_count",
    "content_hash",
    "file_hash",
    "text",
    "embed_text",
    "needs_embedding",
)


class LoadBatch:
    """Files -> loaded documents. ``current`` maps a path to the file hash the collection holds
    completely; such files come out ``unchanged`` without being parsed."""

    def __init__(self, max_bytes: int, current: Mapping[str, str] | None = None) -> None:
        self.max_bytes = max_bytes
        self.current = dict(current or {})

    def __call__(self, batch: Batch) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {c: [] for c in LOADED_COLUMNS}
        for path, source in zip(batch["path"], batch["source"], strict=True):
            row = self.load_one(str(path))
            row.update(path=str(path), source=str(source))
            for column in LOADED_COLUMNS:
                out[column].append(row.get(column, ""))
        return out

    def load_one(self, path: str) -> dict[str, Any]:
        try:
            data = _read(Path(path), self.max_bytes)
            digest = file_hash(data)
            if self.current.get(path) == digest:
                return {"status": "unchanged", "file_hash": digest}
            doc = load_file(Path(path), data)
        except SkipFile as exc:
            return {"status": "skipped", "reason": str(exc)}
        sections = json.dumps([[s.headings, s.text] for s in doc.sections])
        return {
            "status": "ok",
            "file_hash": digest,
            "title": doc.title,
            "kind": doc.kind,
            "sections": sections,
        }


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            limit = max_bytes / 1_000_000
            raise SkipFile(f"larger than kb.max_file_mb ({size / 1e6:.1f} MB > {limit:g} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc


class ChunkBatch:
    """Loaded documents (``status == "ok"`` rows) -> one row per chunk.

    ``known_ids`` maps a path to the chunk ids the collection already holds for it; those
    chunks are marked ``needs_embedding = False`` (their vectors are already stored)."""

    def __init__(
        self,
        settings: Settings,
        known_ids: Mapping[str, set[str]] | None = None,
        counter: TokenCounter | None = None,
    ) -> None:
        from knowledge.embedder import build_counter

        self.counter = counter or build_counter(settings)
        self.chunk_tokens = settings.kb.chunk_tokens
        self.overlap = settings.kb.overlap_tokens
        self.known_ids = known_ids or {}

    def __call__(self, batch: Batch) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {c: [] for c in CHUNK_COLUMNS}
        for i, status in enumerate(batch["status"]):
            if status == "ok":
                for row in self.chunk_one({k: batch[k][i] for k in LOADED_COLUMNS}):
                    for column in CHUNK_COLUMNS:
                        out[column].append(row[column])
        return out

    def chunk_one(self, loaded: Mapping[str, Any]) -> list[dict[str, Any]]:
        sections = [Section(list(h), t) for h, t in json.loads(str(loaded["sections"]))]
        doc = Document(title=str(loaded["title"]), sections=sections, kind=str(loaded["kind"]))
        chunks = chunk_document(doc, self.counter, self.chunk_tokens, self.overlap)
        path = str(loaded["path"])
        ids = chunk_ids(path, [c.embed_text for c in chunks])
        known = self.known_ids.get(path, set())
        return [
            {
                "id": cid,
                "path": path,
                "source": str(loaded["source"]),
                "title": doc.title,
                "heading": " › ".join(c.headings),
                "kind": doc.kind,
                "chunk_index": c.index,
                "chunk_count": len(chunks),
                "content_hash": content_hash(c.text),
                "file_hash": str(loaded["file_hash"]),
                "text": c.text,
                "embed_text": c.embed_text,
                "needs_embedding": cid not in known,
            }
            for cid, c in zip(ids, chunks, strict=True)
        ]


class EmbedBatch:
    """Chunk rows -> the same rows plus ``embedding`` (None where ``needs_embedding`` is off)."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        if embedder is None:
            from knowledge.embedder import build_embedder

            assert settings is not None, "EmbedBatch needs settings or an embedder"
            embedder = build_embedder(settings)
        self.embedder = embedder

    def __call__(self, batch: Batch) -> dict[str, list[Any]]:
        out = {k: list(v) for k, v in batch.items()}
        todo = [i for i, flag in enumerate(batch.get("needs_embedding", [])) if flag]
        embeddings: list[Any] = [None] * len(out.get("id", []))
        if todo:
            vectors = self.embedder.embed([str(batch["embed_text"][i]) for i in todo])
            for i, vector in zip(todo, vectors, strict=True):
                embeddings[i] = vector.tolist()
        out["embedding"] = embeddings
        return out


# What Chroma stores beside each chunk: every chunk column but the id, texts and work flag.
METADATA_COLUMNS = tuple(
    c for c in CHUNK_COLUMNS if c not in ("id", "text", "embed_text", "needs_embedding")
)


# Set by the sources layer on chunks of synced documents (``readers`` a non-empty str list).
SOURCE_COLUMNS = ("source_name", "url", "modified", "readers")


def metadata_of(batch: Batch, i: int) -> dict[str, Any]:
    """The Chroma metadata of chunk row ``i`` (plain str/int values; ``readers`` a list)."""
    meta = {k: batch[k][i] for k in METADATA_COLUMNS}
    out: dict[str, Any] = {
        k: int(v) if k in ("chunk_index", "chunk_count") else str(v) for k, v in meta.items()
    }
    out.update({k: batch[k][i] for k in SOURCE_COLUMNS if k in batch})
    out["readers"] = list(batch["readers"][i]) if "readers" in batch else [PUBLIC]
    return out
