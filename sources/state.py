"""What the store remembers of each source: its cursor, and every document as last synced.

A document's row is written only after its passages are in both indexes, so a sync killed
midway leaves rows for exactly the documents that are fully indexed; the next run sees the
others as new or changed and finishes them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sources.model import Entry, Readers


@dataclass(frozen=True)
class DocumentState:
    """One document as the knowledge base holds it now."""

    key: str
    version: str
    url: str
    title: str
    modified: str
    readers: tuple[str, ...]


def sql(store: Any, query: str) -> str:
    """``?`` placeholders in the store's own style (psycopg wants ``%s``)."""
    return query if store.dialect == "sqlite" else query.replace("?", "%s")


class SyncState:
    """Per-source cursor and document rows in the bot's store (SQLite or PostgreSQL)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _run(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, query), params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def cursor(self, name: str) -> dict[str, str]:
        rows = self._run("SELECT cursor FROM source_cursors WHERE name = ?", (name,))
        return dict(json.loads(rows[0][0])) if rows else {}

    def save_cursor(self, name: str, cursor: dict[str, str]) -> None:
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, "DELETE FROM source_cursors WHERE name = ?"), (name,))
            cur.execute(sql(self.store, "INSERT INTO source_cursors (name, cursor, updated_at) "
                            "VALUES (?, ?, ?)"), (name, json.dumps(cursor), time.time()))

    def documents(self, name: str) -> dict[str, DocumentState]:
        rows = self._run("SELECT key, version, url, title, modified, readers "
                         "FROM source_documents WHERE name = ?", (name,))
        return {
            r[0]: DocumentState(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])))
            for r in rows
        }

    def record(self, name: str, entry: Entry, url: str, title: str, modified: str,
               readers: Readers) -> None:
        """Remember ``entry`` as indexed at its version (call after its chunks are written)."""
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, "DELETE FROM source_documents WHERE name = ? AND key = ?"),
                        (name, entry.key))
            cur.execute(sql(self.store, "INSERT INTO source_documents (name, key, version, url, "
                            "title, modified, readers, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                        (name, entry.key, entry.version, url, title, modified,
                         json.dumps(readers.as_list()), time.time()))

    def set_readers(self, name: str, readers: dict[str, list[str]]) -> None:
        """Record the readers a permission pass read (the documents' versions stay)."""
        with self.store.transaction() as cur:
            for key, listed in readers.items():
                cur.execute(sql(self.store, "UPDATE source_documents SET readers = ? "
                                "WHERE name = ? AND key = ?"), (json.dumps(listed), name, key))

    def forget(self, name: str, keys: list[str]) -> None:
        """Drop documents (their chunks already deleted from both indexes)."""
        with self.store.transaction() as cur:
            for key in keys:
                cur.execute(sql(self.store, "DELETE FROM source_documents "
                                "WHERE name = ? AND key = ?"), (name, key))

    def forget_source(self, name: str) -> None:
        """Everything of source ``name``: its documents, cursor, history and lease."""
        with self.store.transaction() as cur:
            for table in ("source_documents", "source_cursors", "source_runs", "source_leases"):
                cur.execute(sql(self.store, f"DELETE FROM {table} WHERE name = ?"), (name,))

    def names(self) -> dict[str, int]:
        """Every source with documents in the store, and how many."""
        rows = self._run("SELECT name, COUNT(*) FROM source_documents GROUP BY name")
        return {str(r[0]): int(r[1]) for r in rows}
