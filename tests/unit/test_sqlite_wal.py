"""Several processes (here: threads, each with its own connection) opening one old store."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from stores.sqlite import SQLiteStore

OPENERS = 6
ROUNDS = 30  # without the wait, about one round in ten failed with "database is locked"


def rollback_journal_file(path: Path) -> None:
    """A store file as an old release left it: no WAL yet, one table of its own."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE legacy (note TEXT)")
    conn.execute("INSERT INTO legacy VALUES ('kept')")
    conn.commit()
    conn.close()


def open_together(path: Path) -> list[str]:
    start, errors = threading.Barrier(OPENERS), []

    def first_use(store: SQLiteStore) -> None:
        start.wait()
        try:
            store.keys()
        except sqlite3.Error as exc:
            errors.append(str(exc))

    stores = [SQLiteStore(path) for _ in range(OPENERS)]
    threads = [threading.Thread(target=first_use, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    return errors


def test_openers_racing_to_switch_an_old_file_to_wal_all_succeed(tmp_path: Path) -> None:
    for n in range(ROUNDS):
        path = tmp_path / f"bot-{n}.db"
        rollback_journal_file(path)
        assert open_together(path) == []
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT note FROM legacy").fetchall() == [("kept",)]
        conn.close()
