"""The lexical index: SQLite FTS5 (BM25) over every chunk's heading and text, plus the
chunk's identifiers kept whole (see :mod:`knowledge.identifiers`).

It holds no fact of its own: each row is a chunk id (content-derived, so an id always
names the same text), what to search, and copies of who may read it and of its vector for
filtered searches (:mod:`knowledge.lexical_access`); results are looked up in Chroma by
id. Chroma is the source of truth and :func:`knowledge.lexical_sync.sync` makes this index
agree with it, so a killed ingest, a Chroma server fed by another machine or a deleted file
is caught up before the index is used. One file per collection and location; SQLite's WAL
lets readers search while an ingest writes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from knowledge import lexical_access as access
from knowledge.identifiers import identifiers
from knowledge.lexical_access import Readable
from knowledge.reader_vectors import ReaderVectors

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(
    heading, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS idents USING fts5(
    terms, tokenize = "unicode61 tokenchars '_.-$:>'");
"""
PUBLIC_ROW = ("public",)  # a row added without readers (written before permissions)
WORD = re.compile(r"\w+", re.UNICODE)
# Question words that every chunk matches: left out of the OR query so BM25 ranks on content.
_STOPWORDS_TEXT = """a an and are as at be but by can do does for from how i if in into is it its
me my no not of on or so such that the their then there these they this to was what when where
which who why will with you your should would could"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
HEADING_WEIGHT, BODY_WEIGHT = 2.0, 1.0


class LexicalIndex:
    """One collection's lexical index in the SQLite file ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self.vectors = ReaderVectors()  # this process's cache of readable vectors

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA + access.SCHEMA)
            if db.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None:  # nothing to
                with db:  # migrate
                    db.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (access.KEPT,))
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def ids(self) -> set[str]:
        return {str(r[0]) for r in self.db.execute("SELECT id FROM docs")}

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def add(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Index ``(id, heading, text[, readers[, vector]])`` rows (ids already present are
        left as they are); ``readers`` is a tuple of reader strings, public when left out;
        ``vector`` the chunk's embedding (None: fetched from Chroma by the next sync)."""
        added = 0
        with self.db:  # one transaction: a killed process leaves all of it or none
            for row in rows:
                chunk_id, heading, text = row[0], row[1], row[2]
                cursor = self.db.execute("INSERT OR IGNORE INTO docs(id) VALUES (?)", (chunk_id,))
                if cursor.rowcount == 0:
                    continue
                rowid = cursor.lastrowid
                self.db.execute(
                    "INSERT INTO words(rowid, heading, body) VALUES (?, ?, ?)",
                    (rowid, heading, text),
                )
                terms = " ".join(identifiers(f"{heading}\n{text}"))
                self.db.execute("INSERT INTO idents(rowid, terms) VALUES (?, ?)", (rowid, terms))
                vector = row[4] if len(row) > 4 else None
                access.put(self.db, int(rowid or 0), row[3] if len(row) > 3 else PUBLIC_ROW, vector)
                added += 1
            if added:  # a sync with nothing to do keeps every process's cached vectors
                access.bump(self.db)
        return added

    def delete(self, ids: Sequence[str]) -> int:
        deleted = 0
        with self.db:
            for chunk_id in ids:
                row = self.db.execute("SELECT rowid FROM docs WHERE id = ?", (chunk_id,)).fetchone()
                if row is None:
                    continue
                for table in ("words", "idents", "access", "docs"):
                    self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
                deleted += 1
            if deleted:
                access.bump(self.db)
        return deleted

    def clear(self) -> None:
        with self.db:
            for table in (
                "words",
                "idents",
                "access",
                "docs",
                "meta",
                "set_members",
                "reader_sets",
            ):
                self.db.execute(f"DELETE FROM {table}")
            access.bump(self.db)

    def set_readers(self, readers_by_id: Mapping[str, Sequence[str]]) -> int:
        """Replace the readers of the chunks named (a permission sync); how many changed."""
        changed = 0
        with self.db:
            for chunk_id, readers in readers_by_id.items():
                row = self.db.execute("SELECT rowid FROM docs WHERE id = ?", (chunk_id,)).fetchone()
                if row is not None:
                    access.set_readers(self.db, int(row[0]), readers)
                    changed += 1
            if changed:
                access.bump(self.db)
        return changed

    def set_vectors(self, vectors_by_id: Mapping[str, Any]) -> None:
        """Keep the vectors of the chunks named (rows indexed without one)."""
        if not vectors_by_id:
            return
        with self.db:
            rows = {
                int(r[0]): vectors_by_id[str(r[1])]
                for r in self.db.execute(
                    f"SELECT rowid, id FROM docs WHERE id IN ({_marks(len(vectors_by_id))})",
                    tuple(vectors_by_id),
                )
            }
            access.set_vectors(self.db, rows)
            access.bump(self.db)

    def drop_old_readers(self) -> None:
        """Drop the per-reader table of indexes built before reader-set keys."""
        with self.db:
            self.db.execute("DROP TABLE IF EXISTS readers")

    def without_vectors(self) -> list[str]:
        """Chunk ids whose vector the index does not hold yet."""
        return access.without_vectors(self.db)

    def readable(self, grants: Sequence[str]) -> Readable:
        """The reader sets ``grants`` may read here, with their row counts."""
        return access.readable(self.db, grants)

    def readable_ids(self, ids: Sequence[str], readable: Readable) -> list[str]:
        """``ids``, in order, less those the index does not show as readable."""
        return access.readable_ids(self.db, ids, readable.keys)

    def search(self, query: str, n: int, grants: Sequence[str] | None = None) -> list[str]:
        """Chunk ids best first by BM25 over heading and text (any query word may match),
        among those a reader in ``grants`` may read (None: all)."""
        words = [w for w in dict.fromkeys(WORD.findall(query.lower())) if w not in STOPWORDS]
        if not words or n <= 0:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        sql = (
            "SELECT docs.id FROM words JOIN docs ON docs.rowid = words.rowid "
            f"WHERE words MATCH ?{access.readable_sql(grants)} "
            f"ORDER BY bm25(words, {HEADING_WEIGHT}, {BODY_WEIGHT}) LIMIT ?"
        )
        return [str(r[0]) for r in self.db.execute(sql, (match, *(grants or ()), n))]

    def search_identifiers(
        self, query: str, n: int, grants: Sequence[str] | None = None
    ) -> list[str]:
        """Chunk ids containing the query's identifiers exactly, most (and rarest) first,
        among those a reader in ``grants`` may read (None: all)."""
        terms = identifiers(query)
        if not terms or n <= 0:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        sql = (
            "SELECT docs.id FROM idents JOIN docs ON docs.rowid = idents.rowid "
            f"WHERE idents MATCH ?{access.readable_sql(grants)} ORDER BY bm25(idents) LIMIT ?"
        )
        return [str(r[0]) for r in self.db.execute(sql, (match, *(grants or ()), n))]


def _marks(n: int) -> str:
    return ", ".join("?" * n)
