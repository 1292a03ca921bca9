"""Writing chunk rows to the collection so that a killed run leaves it consistent.

Order matters: new and re-used chunks are written first, and only then are a file's stale
chunks deleted. Until that last step the file's chunks disagree on ``file_hash`` (or fall
short of ``chunk_count``), so a rerun sees the file as incomplete and finishes the job;
vectors already written are not computed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from knowledge.batches import Batch, metadata_of
from knowledge.store import KnowledgeStore, SourceState


def write_rows(store: KnowledgeStore, rows: Batch) -> dict[str, set[str]]:
    """Upsert embedded rows, refresh the metadata of re-used ones; ids written, per path."""
    fresh = [i for i, e in enumerate(rows.get("embedding", [])) if e is not None]
    reused = [i for i, e in enumerate(rows.get("embedding", [])) if e is None]
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
    written: dict[str, set[str]] = defaultdict(set)
    for chunk_id, path in zip(rows.get("id", []), rows.get("path", []), strict=True):
        written[str(path)].add(str(chunk_id))
    return written


def delete_stale(
    store: KnowledgeStore,
    manifest: Mapping[str, SourceState],
    paths: Iterable[str],
    written: Mapping[str, set[str]],
) -> int:
    """Delete chunks of ``paths`` that this run did not write; how many were deleted."""
    stale = [
        chunk_id
        for path in paths
        for chunk_id in manifest.get(path, SourceState()).ids - written.get(path, set())
    ]
    store.delete(stale)
    return len(stale)
