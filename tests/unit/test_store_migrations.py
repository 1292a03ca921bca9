"""The migration mechanism on a real SQLite database: steps in order, once, all or none."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from stores.migrations import SQLITE, Step, migrate

STEP_1 = Step(1, "notes", ("CREATE TABLE notes (id {serial} PRIMARY KEY, body TEXT)",))
STEP_2 = Step(2, "note authors", ("ALTER TABLE notes ADD COLUMN author TEXT",))


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def test_steps_apply_in_order_once_and_later_steps_on_a_later_open(
    conn: sqlite3.Connection,
) -> None:
    assert migrate(conn.cursor(), SQLITE, [STEP_1]) == [1]
    conn.execute("INSERT INTO notes (body) VALUES ('kept')")
    assert migrate(conn.cursor(), SQLITE, [STEP_1]) == []
    assert migrate(conn.cursor(), SQLITE, [STEP_1, STEP_2]) == [2]
    assert columns(conn, "notes") == ["id", "body", "author"]
    assert conn.execute("SELECT body FROM notes").fetchall() == [("kept",)]
    summaries = conn.execute("SELECT version, summary FROM schema_version").fetchall()
    assert summaries == [(1, "notes"), (2, "note authors")]


def test_a_failing_step_leaves_the_store_as_it_was(conn: sqlite3.Connection) -> None:
    broken = Step(2, "broken", ("ALTER TABLE notes ADD COLUMN author TEXT",
                                "ALTER TABLE no_such_table ADD COLUMN x TEXT"))
    conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn.cursor(), SQLITE, [STEP_1, broken])
    conn.rollback()
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'notes'").fetchall() == []
    assert migrate(conn.cursor(), SQLITE, [STEP_1, STEP_2]) == [1, 2]


@pytest.mark.parametrize("versions", [[1, 3], [2], [1, 1]])
def test_steps_numbered_out_of_order_are_refused_before_anything_runs(
    conn: sqlite3.Connection, versions: list[int]
) -> None:
    steps = [Step(v, f"step {v}", ("CREATE TABLE t{v} (x TEXT)".replace("{v}", str(v)),))
             for v in versions]
    with pytest.raises(ValueError, match=r"numbered 1\.\.n in order"):
        migrate(conn.cursor(), SQLITE, steps)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 't%'").fetchall() == []
