"""The baseline of the write-cost benchmarks: the stores as they were before usage rollups,
storing answers and ratings without adding them to the rollups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contracts.store import Store
from stores.postgres import PostgresStore
from stores.sqlite import SQLiteStore


class PlainSQLiteStore(SQLiteStore):
    """SQLite without rollup upkeep."""

    def _record_rollups(self, cur: Any, turn_id: int, sources: list[str]) -> None:
        pass

    def _record_rating(self, cur: Any, turn_id: int, score: int) -> None:
        pass


class PlainPostgresStore(PostgresStore):
    """PostgreSQL without rollup upkeep (nor its lock)."""

    def _record_rollups(self, cur: Any, turn_id: int, sources: list[str]) -> None:
        pass

    def _record_rating(self, cur: Any, turn_id: int, score: int) -> None:
        pass


def open_store(url: str, rollups: bool) -> Store:
    """The store at ``url`` (``sqlite:///…`` or ``postgresql://…``), with or without rollups."""
    if url.startswith("postgresql"):
        return PostgresStore(url) if rollups else PlainPostgresStore(url)
    path = Path(url.removeprefix("sqlite:///"))
    return SQLiteStore(path) if rollups else PlainSQLiteStore(path)
