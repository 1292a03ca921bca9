"""``bot kb stats``: what a collection holds."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from knowledge.embedder import embedder_name
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from config import Settings


def collection_stats(settings: Settings, collection: str | None = None) -> str:
    """A short report: chunks, files, file kinds, embedder, location, incomplete files."""
    store = KnowledgeStore.open(
        settings, embedder_name(settings), collection=collection, create=False
    )
    manifest = store.manifest()
    incomplete = [
        s.source
        for s in manifest.values()
        if len(s.file_hashes) != 1 or not s.complete(next(iter(s.file_hashes)))
    ]
    kinds = Counter(_suffix(s.source) for s in manifest.values())
    lines = [
        f"collection: {store.name}",
        f"location:   {store.where}",
        f"embedder:   {store.embedder_name or 'unknown'}",
        f"chunks:     {store.count()}",
        f"files:      {len(manifest)}  ({', '.join(f'{k} {n}' for k, n in kinds.most_common())})",
    ]
    if incomplete:
        lines.append(
            f"incomplete: {len(incomplete)} (an interrupted run; `bot ingest` again "
            f"finishes them): {', '.join(incomplete[:5])}"
        )
    return "\n".join(lines)


def _suffix(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else name
