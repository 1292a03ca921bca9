"""Conversations, turns, feedback and per-turn usage, keyed by session key."""

from __future__ import annotations

from pathlib import Path

from contracts.store import Store, TurnRecord


def open_store(url: str | None, data_dir: Path) -> Store:
    """SQLite in ``data_dir`` by default; ``sqlite:///path`` or ``postgresql://...`` by URL.

    Each backend module is imported only when chosen (psycopg is an optional extra).
    """
    if url and url.startswith(("postgresql://", "postgres://")):
        from stores.postgres import PostgresStore

        return PostgresStore(url)
    from stores.sqlite import SQLiteStore

    path = Path(url.removeprefix("sqlite:///")) if url else data_dir / "bot.sqlite3"
    return SQLiteStore(path)


__all__ = ["Store", "TurnRecord", "open_store"]
