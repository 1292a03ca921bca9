"""Who may read each row of the lexical index, and its vector: what a filtered search needs
without asking Chroma to filter.

Chroma's metadata pre-filter costs grow with the collection (a ``$contains`` per grant over
every chunk, then an HNSW walk that must skip most of the graph), so the index keeps, per
row, a compact *reader-set key* (``rkey``) and a float16 copy of the chunk's vector. The
about 1,000 distinct reader sets of a knowledge base live once in ``reader_sets`` (with how
many rows carry each, kept by triggers) and ``set_members`` says which sets a reader string
belongs to, so "which rows may these grants read" is a join over a few thousand tiny rows.

A permission sync rewrites ``rkey`` only; the vector stays. ``access_generation`` moves on
every change, so a process caching vectors (:mod:`knowledge.reader_vectors`) knows when to
drop them. Chroma stays the source of truth: the search re-checks every hit's ``readers``
there, so a copy that lags a sync can cost recall for a moment, never a leak.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS reader_sets(
    rkey INTEGER PRIMARY KEY, readers TEXT NOT NULL UNIQUE, chunks INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS set_members(
    reader TEXT NOT NULL, rkey INTEGER NOT NULL, PRIMARY KEY (reader, rkey)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS access(rowid INTEGER PRIMARY KEY, rkey INTEGER NOT NULL, vec BLOB);
CREATE INDEX IF NOT EXISTS access_by_key ON access(rkey);
CREATE INDEX IF NOT EXISTS access_without_vector ON access(rowid) WHERE vec IS NULL;
CREATE TABLE IF NOT EXISTS access_generation(n INTEGER NOT NULL);
INSERT INTO access_generation SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM access_generation);
CREATE TRIGGER IF NOT EXISTS access_added AFTER INSERT ON access BEGIN
    UPDATE reader_sets SET chunks = chunks + 1 WHERE rkey = new.rkey; END;
CREATE TRIGGER IF NOT EXISTS access_removed AFTER DELETE ON access BEGIN
    UPDATE reader_sets SET chunks = chunks - 1 WHERE rkey = old.rkey; END;
CREATE TRIGGER IF NOT EXISTS access_moved AFTER UPDATE OF rkey ON access BEGIN
    UPDATE reader_sets SET chunks = chunks - 1 WHERE rkey = old.rkey;
    UPDATE reader_sets SET chunks = chunks + 1 WHERE rkey = new.rkey; END;
"""
KEPT = "access_v1"  # meta key: every row has its reader-set key (and, after a sync, vector)
NO_READERS = ("nobody",)  # an empty reader list reads as no one, never as everyone


@dataclass(frozen=True)
class Readable:
    """What a holder of some grants may read in the index: the reader-set keys, how many
    rows carry them, and how many rows the index holds in all."""

    keys: tuple[int, ...]
    rows: int
    total: int

    @property
    def share(self) -> float:
        """The readable fraction of the index (0 when it is empty)."""
        return self.rows / self.total if self.total else 0.0


def key_of(db: sqlite3.Connection, readers: Sequence[str]) -> int:
    """The key of a reader set (order and repeats ignored), added on first sight."""
    members = sorted(set(readers or NO_READERS))
    text = "\n".join(members)
    row = db.execute("SELECT rkey FROM reader_sets WHERE readers = ?", (text,)).fetchone()
    if row is not None:
        return int(row[0])
    rkey = db.execute("INSERT INTO reader_sets(readers) VALUES (?)", (text,)).lastrowid
    db.executemany("INSERT OR IGNORE INTO set_members VALUES (?, ?)", [(m, rkey) for m in members])
    return int(rkey or 0)


def put(
    db: sqlite3.Connection,
    rowid: int,
    readers: Sequence[str],
    vector: Sequence[float] | np.ndarray | None,
) -> None:
    """A new row's readers and vector (inside the caller's transaction)."""
    blob = None if vector is None else np.asarray(vector, dtype=np.float16).tobytes()
    db.execute(
        "INSERT OR REPLACE INTO access(rowid, rkey, vec) VALUES (?, ?, ?)",
        (rowid, key_of(db, readers), blob),
    )


def set_readers(db: sqlite3.Connection, rowid: int, readers: Sequence[str]) -> None:
    """A permission change: the row's key moves, its vector stays."""
    rkey = key_of(db, readers)
    if db.execute("UPDATE access SET rkey = ? WHERE rowid = ?", (rkey, rowid)).rowcount == 0:
        db.execute("INSERT INTO access(rowid, rkey) VALUES (?, ?)", (rowid, rkey))


def set_vectors(db: sqlite3.Connection, vectors: Mapping[int, Sequence[float]]) -> None:
    """Fill rows' vectors (rows indexed before vectors were kept, or without one)."""
    db.executemany(
        "UPDATE access SET vec = ? WHERE rowid = ?",
        [(np.asarray(v, dtype=np.float16).tobytes(), r) for r, v in vectors.items()],
    )


def bump(db: sqlite3.Connection) -> None:
    """Say that rows, keys or vectors changed (inside the caller's transaction)."""
    db.execute("UPDATE access_generation SET n = n + 1")


def generation(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT n FROM access_generation").fetchone()[0])


def readable(db: sqlite3.Connection, grants: Sequence[str]) -> Readable:
    """The reader sets sharing a string with ``grants``, and their rows."""
    marks = ", ".join("?" * len(grants)) or "NULL"
    rows = db.execute(
        "SELECT rkey, chunks FROM reader_sets WHERE chunks > 0 AND rkey IN "
        f"(SELECT rkey FROM set_members WHERE reader IN ({marks})) ORDER BY rkey",
        tuple(grants),
    ).fetchall()
    total = int(db.execute("SELECT count(*) FROM access").fetchone()[0])
    return Readable(tuple(int(r[0]) for r in rows), sum(int(r[1]) for r in rows), total)


def readable_ids(db: sqlite3.Connection, ids: Sequence[str], keys: Sequence[int]) -> list[str]:
    """``ids`` (in their order) whose row carries one of ``keys``; ids unknown here are left
    out, as unreadable until the index has caught up."""
    if not ids or not keys:
        return []
    sql = (
        "SELECT docs.id FROM docs JOIN access ON access.rowid = docs.rowid "
        f"WHERE docs.id IN ({', '.join('?' * len(ids))}) "
        f"AND access.rkey IN ({', '.join('?' * len(keys))})"
    )
    keep = {str(r[0]) for r in db.execute(sql, (*ids, *keys))}
    return [i for i in ids if i in keep]


def vectors_of(db: sqlite3.Connection, rkey: int) -> tuple[list[str], np.ndarray]:
    """The ids and float16 vectors (one per row) of the rows carrying ``rkey``."""
    rows = db.execute(
        "SELECT docs.id, access.vec FROM access JOIN docs ON docs.rowid = access.rowid "
        "WHERE access.rkey = ? AND access.vec IS NOT NULL",
        (rkey,),
    ).fetchall()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float16)
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16)
    return [str(r[0]) for r in rows], matrix.reshape(len(rows), -1)


def without_vectors(db: sqlite3.Connection) -> list[str]:
    """Ids of rows that have no vector yet."""
    return [
        str(r[0])
        for r in db.execute(
            "SELECT docs.id FROM access JOIN docs ON docs.rowid = access.rowid "
            "WHERE access.vec IS NULL"
        )
    ]


def readable_sql(grants: Sequence[str] | None) -> str:
    """The condition an FTS query adds (inside it, so LIMIT counts only readable rows); its
    parameters are ``grants``."""
    if grants is None:
        return ""
    marks = ", ".join("?" * len(grants)) or "NULL"
    # row by row (a primary-key lookup each): a broad reader's thousands of readable rows
    # are never gathered into a list first
    return (
        " AND (SELECT rkey FROM access WHERE access.rowid = docs.rowid) IN "
        f"(SELECT rkey FROM set_members WHERE reader IN ({marks}))"
    )
