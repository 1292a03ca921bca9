"""Schema versions: numbered steps, each applied once, in order, when a store opens.

A store records the steps it has applied in ``schema_version``. Opening it runs the steps
above its highest version, all in the caller's one transaction, while the caller holds the
database's write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock), so two
processes opening an old store at once migrate it once. A store made before versions
existed has the tables of step 1 and no ``schema_version``: step 1 only creates what is
missing (``IF NOT EXISTS``), so it is recorded without touching a row.

To change the schema, append a :class:`Step` to ``stores.schema.STEPS`` with the next
version number; never edit a step that has shipped. Statements may use ``{serial}``
(an auto-increment key) and ``{bigint}``; both stores fill them in. A statement whose SQL
differs by database is a mapping from dialect name (``sqlite``, ``postgresql``) to SQL. A
statement may also be a function of the cursor and the :class:`Dialect`, for a backfill
that SQL alone cannot write; it runs in the same transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

log = structlog.get_logger("bot.store")

VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"""


@dataclass(frozen=True)
class Dialect:
    """What differs between the stores' SQL where a step is concerned."""

    name: str
    serial: str
    placeholder: str

    def fill(self, statement: str) -> str:
        return statement.format(serial=self.serial, bigint="BIGINT")

    def params(self, sql: str) -> str:
        """A query written with ``?`` placeholders, in this store's style (psycopg: ``%s``,
        and a literal ``%`` doubled)."""
        return sql if self.placeholder == "?" else sql.replace("%", "%%").replace("?", "%s")


# SQL, SQL per dialect name, or a function run on the cursor (a backfill)
Statement = str | Mapping[str, str] | Callable[[Any, Dialect], None]


def add_column(table: str, column: str, definition: str) -> Callable[[Any, Dialect], None]:
    """``ALTER TABLE table ADD COLUMN column definition`` unless the column is there: the one
    statement SQLite cannot write with ``IF NOT EXISTS``, so a step re-run on a store whose
    versions were rolled back by hand does not fail on it."""

    def add(cur: Any, dialect: Dialect) -> None:
        if column not in _columns(cur, dialect, table):
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    return add


def _columns(cur: Any, dialect: Dialect, table: str) -> set[str]:
    if dialect.name == "sqlite":
        return {str(row[1]) for row in cur.execute(f"PRAGMA table_info({table})").fetchall()}
    cur.execute("SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s", (table,))
    return {str(row[0]) for row in cur.fetchall()}


@dataclass(frozen=True)
class Step:
    """One schema change: its version, what it is for, and the SQL that makes it."""

    version: int
    summary: str
    statements: tuple[Statement, ...]


SQLITE = Dialect("sqlite", serial="INTEGER", placeholder="?")
POSTGRES = Dialect("postgresql", serial="SERIAL", placeholder="%s")


def current_version(cur: Any) -> int:
    """The highest step applied (0 for a store that predates versions)."""
    cur.execute(VERSION_TABLE)
    row = cur.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(row[0])


def migrate(cur: Any, dialect: Dialect, steps: Sequence[Step]) -> list[int]:
    """Apply the steps the store lacks; returns their versions. Call inside one transaction
    holding the write lock: a failing step rolls every step of this call back."""
    check_order(steps)
    have = current_version(cur)
    newest = steps[-1].version if steps else 0
    if have > newest:  # a newer release migrated it; steps only add, so carry on
        log.warning("store_schema_newer", store_version=have, known_version=newest)
    applied = []
    for step in (s for s in steps if s.version > have):
        for statement in step.statements:
            if callable(statement):
                statement(cur, dialect)
                continue
            sql = statement if isinstance(statement, str) else statement[dialect.name]
            cur.execute(dialect.fill(sql))
        record = "INSERT INTO schema_version (version, summary, applied_at) VALUES (?, ?, ?)"
        cur.execute(record.replace("?", dialect.placeholder),
                    (step.version, step.summary, time.time()))
        applied.append(step.version)
    if applied and have:
        log.info("store_migrated", dialect=dialect.name, from_version=have, to_version=newest)
    return applied


def check_order(steps: Sequence[Step]) -> None:
    """Versions must run 1, 2, 3, …: a gap or a repeat is a merge mistake, caught at open."""
    versions = [s.version for s in steps]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"schema steps must be numbered 1..n in order, got {versions}")
