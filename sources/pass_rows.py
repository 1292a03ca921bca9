"""A store table a permission pass replaces whole for its source: rows of (source, a, b).

Group memberships and linked identities are both kept this way, so that every process
resolving a principal reads what the last pass of each source said, and nothing older.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sources.state import sql


class PassRows:
    """One source's rows in ``table`` (columns ``name`` plus two), replaced by each pass."""

    table: ClassVar[str]
    columns: ClassVar[tuple[str, str]]

    def __init__(self, store: Any) -> None:
        self.store = store

    def replace_rows(self, name: str, rows: set[tuple[str, str, str]]) -> int:
        """Make ``rows`` all that source ``name`` has here; how many there are."""
        insert = f"INSERT INTO {self.table} (name, {', '.join(self.columns)}) VALUES (?, ?, ?)"
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, f"DELETE FROM {self.table} WHERE name = ?"), (name,))
            for row in sorted(rows):
                cur.execute(sql(self.store, insert), row)
        return len(rows)

    def forget(self, name: str) -> None:
        """Drop source ``name``'s rows (its permission read failed: grant nothing)."""
        self.replace_rows(name, set())
