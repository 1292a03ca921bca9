"""Opening a source's collection and its lexical index for writing, caught up first (as
``bot ingest`` does), for a content sync or a permission pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings
    from config.sources import SourceSettings
    from knowledge.lexical import LexicalIndex
    from knowledge.store import KnowledgeStore


def open_kb(
    settings: Settings, source: SourceSettings, embedder: str | None = None
) -> tuple[KnowledgeStore, LexicalIndex | None]:
    """The source's collection (writer lock held) and lexical index (None: dense retrieval);
    ``embedder`` names the embedding model (default: the configured one, not loaded)."""
    from knowledge.embedder import embedder_name
    from knowledge.store import KnowledgeStore

    collection = source.collection or settings.kb.collection
    store = KnowledgeStore.open(
        settings, embedder or embedder_name(settings), collection=collection, write=True
    )
    if settings.kb.retrieval == "dense":
        return store, None
    from knowledge.lexical_sync import open_index, sync

    try:
        index = open_index(settings, store.name)
        sync(store, index)
    except BaseException:
        store.close()
        raise
    return store, index
