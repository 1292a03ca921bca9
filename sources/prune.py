"""Removing every document of a source from the knowledge base and the store (a source
that was renamed or dropped from the settings would otherwise leave them behind)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sources.indexer import source_prefix
from sources.state import SyncState

if TYPE_CHECKING:
    from config import Settings


def prune_source(settings: Settings, bot_store: Any, name: str,
                 collection: str | None = None) -> int:
    """Delete source ``name``'s chunks (both indexes) and its state; documents removed."""
    from knowledge.embedder import embedder_name
    from knowledge.store import KnowledgeStore
    from knowledge.writer import delete_chunks

    configured = settings.sources.get(name)
    chosen = collection or (configured.collection if configured else None)
    store = KnowledgeStore.open(settings, embedder_name(settings),
                                collection=chosen or settings.kb.collection, write=True)
    lexical = None
    try:
        if settings.kb.retrieval != "dense":
            from knowledge.lexical_sync import open_index

            lexical = open_index(settings, store.name)
        prefix = source_prefix(name)
        doomed = {p: s for p, s in store.manifest().items() if p.startswith(prefix)}
        for state in doomed.values():
            delete_chunks(store, sorted(state.ids), lexical)
    finally:
        if lexical is not None:
            lexical.close()
        store.close()
    SyncState(bot_store).forget_source(name)
    return len(doomed)
