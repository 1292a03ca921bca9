"""Passages' readers in Chroma: the dense-only search filter, the backfill of old chunks,
and the permission sync that rewrites readers without re-embedding anything.

Chroma stores ``readers`` as a list, the truth every search re-checks its hits against.
Hybrid and lexical searches choose readable chunks from the lexical index's copy (a
reader-set key per chunk, :mod:`knowledge.lexical_access`); dense-only retrieval has no such
copy and filters inside Chroma with ``$contains``. A chunk written before permissions
existed has no ``readers`` key, which no ``$contains`` matches, so :func:`backfill_public`
gives such chunks ``["public"]`` (metadata only) before the first dense filtered search.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import structlog

from contracts.access import NOBODY, PUBLIC

if TYPE_CHECKING:
    from knowledge.lexical import LexicalIndex
    from knowledge.store import KnowledgeStore

log = structlog.get_logger("knowledge.readers")


def where_readable(grants: Sequence[str]) -> dict[str, Any]:
    """Chroma's filter for chunks a reader holding ``grants`` may read."""
    clauses: list[dict[str, Any]] = [{"readers": {"$contains": g}} for g in grants]
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def backfill_public(store: KnowledgeStore) -> int:
    """Give every chunk without ``readers`` the readers ``["public"]``; how many."""
    ids: list[str] = []
    metas: list[dict[str, Any]] = []
    for page_ids, page_metas in store.metadata_pages():
        for chunk_id, meta in zip(page_ids, page_metas, strict=True):
            if meta is not None and "readers" not in meta:
                ids.append(chunk_id)
                metas.append({**meta, "readers": [PUBLIC]})
    if ids:
        store.update_metadata(ids, metas)
        log.info("readers_backfilled", collection=store.name, chunks=len(ids))
    return len(ids)


def set_readers(
    store: KnowledgeStore,
    lexical: LexicalIndex | None,
    readers_of: Callable[[Mapping[str, Any]], Sequence[str] | None],
) -> int:
    """Rewrite ``readers`` of every chunk for which ``readers_of(metadata)`` answers (None:
    leave it), in Chroma and the lexical index; no text is embedded again."""
    ids: list[str] = []
    metas: list[dict[str, Any]] = []
    for page_ids, page_metas in store.metadata_pages():
        for chunk_id, meta in zip(page_ids, page_metas, strict=True):
            new = readers_of(meta or {})
            if new is not None and list(new) != list((meta or {}).get("readers") or []):
                ids.append(chunk_id)
                metas.append({**(meta or {}), "readers": list(new) or [NOBODY]})
    store.update_metadata(ids, metas)
    if lexical is not None:
        lexical.set_readers({i: m["readers"] for i, m in zip(ids, metas, strict=True)})
    return len(ids)


def close_source(store: KnowledgeStore, lexical: LexicalIndex | None, source: str) -> int:
    """Fail closed: every chunk of ``source`` (its ``source_name``, or a prefix of its
    ``path`` or ``source``) readable by nobody, until the next good permission sync."""

    def nobody(meta: Mapping[str, Any]) -> Sequence[str] | None:
        return [NOBODY] if _of_source(meta, source) else None

    return set_readers(store, lexical, nobody)


def _of_source(meta: Mapping[str, Any], source: str) -> bool:
    if meta.get("source_name") == source:
        return True
    return any(str(meta.get(k, "")).startswith(source) for k in ("path", "source"))
