"""Writing chunk rows to the collection (and the lexical index) so that a killed run leaves
them consistent.

Order matters: new and re-used chunks are written first, and only then are a file's stale
chunks deleted. Until that last step the file's chunks disagree on ``file_hash`` (or fall
short of ``chunk_count``), so a rerun sees the file as incomplete and finishes the job;
vectors already written are not computed again.

The lexical index follows Chroma so that it never holds a chunk Chroma lacks: chunks are
added to it after Chroma has them, and deleted from it before Chroma deletes them. A kill
between the two steps leaves it *behind* Chroma, never ahead; the next ingest or search
catches it up (:func:`knowledge.lexical_sync.sync`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge.batches import Batch, metadata_of
from knowledge.store import KnowledgeStore, SourceState

if TYPE_CHECKING:
    from knowledge.lexical import LexicalIndex


def write_rows(
    store: KnowledgeStore, rows: Batch, lexical: LexicalIndex | None = None
) -> dict[str, set[str]]:
    """Upsert embedded rows, refresh the metadata of re-used ones; ids written, per path."""
    fresh = [i for i, e in enumerate(rows.get("embedding", [])) if has_vector(e)]
    reused = [i for i, e in enumerate(rows.get("embedding", [])) if not has_vector(e)]
    if fresh:
        vectors = np.asarray([rows["embedding"][i] for i in fresh], dtype=np.float32)
        store.upsert(
            [str(rows["id"][i]) for i in fresh],
            vectors,
            [str(rows["text"][i]) for i in fresh],
            [metadata_of(rows, i) for i in fresh],
        )
    if reused:
        store.update_metadata(
            [str(rows["id"][i]) for i in reused], [metadata_of(rows, i) for i in reused]
        )
    if lexical is not None:
        from knowledge.lexical_sync import lexical_row

        ids, vectors = rows.get("id", []), rows.get("embedding", [])
        lexical.add(
            lexical_row(
                str(ids[i]),
                metadata_of(rows, i),
                str(rows["text"][i]),
                vectors[i] if len(vectors) > i else None,
            )
            for i in range(len(ids))
        )
    written: dict[str, set[str]] = defaultdict(set)
    for chunk_id, path in zip(rows.get("id", []), rows.get("path", []), strict=True):
        written[str(path)].add(str(chunk_id))
    return written


def has_vector(embedding: Any) -> bool:
    """True for a computed vector. A re-used chunk has None, which Ray Data turns into NaN
    when a whole batch is re-used (an all-null column comes back as float32)."""
    return embedding is not None and np.ndim(embedding) == 1


def delete_stale(
    store: KnowledgeStore,
    manifest: Mapping[str, SourceState],
    paths: Iterable[str],
    written: Mapping[str, set[str]],
    lexical: LexicalIndex | None = None,
) -> int:
    """Delete chunks of ``paths`` that this run did not write; how many were deleted."""
    stale = [
        chunk_id
        for path in paths
        for chunk_id in manifest.get(path, SourceState()).ids - written.get(path, set())
    ]
    delete_chunks(store, stale, lexical)
    return len(stale)


def delete_chunks(store: KnowledgeStore, ids: list[str], lexical: LexicalIndex | None) -> None:
    """Delete ``ids`` from the lexical index first, then from Chroma."""
    if lexical is not None:
        lexical.delete(ids)
    store.delete(ids)
