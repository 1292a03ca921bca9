"""Running one source sync in a test: offline MiniLM, the bot's SQLite store in data_dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config import Settings
from config.sources import SourceSettings
from knowledge.lexical_sync import open_index
from knowledge.store import KnowledgeStore
from sources.kinds import build_connector
from sources.report import SyncReport
from sources.sync import SourceSync
from stores import open_store
from tests.kb.helpers import kb_settings, shared_minilm


def settings_with(data_dir: Path, **sources: dict[str, Any]) -> Settings:
    """kb settings in ``data_dir`` plus ``[sources.NAME]`` tables."""
    base = kb_settings(data_dir)
    return base.model_copy(update={"sources": {
        name: SourceSettings.model_validate(table) for name, table in sources.items()}})


def sync(settings: Settings, name: str, embedder: Any = None, **kwargs: Any) -> SyncReport:
    """One sync of ``[sources.NAME]`` through the real engine and store."""
    source = settings.sources[name]
    store = open_store(None, settings.data_dir)
    try:
        return SourceSync(settings, name, source, build_connector(name, source), store,
                          embedder=embedder or shared_minilm(), **kwargs).run()
    finally:
        store.close()


def indexed(settings: Settings) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Chroma's chunks (id -> metadata) and the lexical index's ids, to compare."""
    store = KnowledgeStore.open(settings, shared_minilm().name)
    try:
        got = store.collection.get(include=["metadatas"])
        chroma = {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}
    finally:
        store.close()
    lexical = open_index(settings, settings.kb.collection)
    try:
        return chroma, lexical.ids()
    finally:
        lexical.close()


def paths_of(chroma: dict[str, dict[str, Any]]) -> set[str]:
    return {str(m.get("path")) for m in chroma.values()}
