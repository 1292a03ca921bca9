"""Identities the permission passes linked: a service's id for a person (a GitHub login,
``user:alice-gh``) and the e-mail the service says is theirs (``user:alice@example.com``),
kept in the bot's store beside the group memberships so every process resolving a
principal sees the same links.

A pass replaces all of its source's links at once: a login whose verified e-mail is gone
(or who left the organisation) is no longer that person at the next pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sources.state import sql

INSERT = "INSERT INTO source_aliases (name, person, alias) VALUES (?, ?, ?)"
DELETE = "DELETE FROM source_aliases WHERE name = ?"
LINKS = (
    "SELECT person, alias, name FROM source_aliases WHERE person IN ({marks}) "
    "OR alias IN ({marks}) ORDER BY person, alias, name"
)


class SourceAliases:
    """``source_aliases`` rows: (source, person's e-mail id, the service's id for them)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def replace(self, name: str, links: Mapping[str, Sequence[str]]) -> int:
        """Make ``links`` (service id -> e-mail ids) all that source ``name`` linked."""
        rows = {(name, person, alias) for alias, people in links.items() for person in people}
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, DELETE), (name,))
            for row in sorted(rows):
                cur.execute(sql(self.store, INSERT), row)
        return len(rows)

    def forget(self, name: str) -> None:
        """Drop source ``name``'s links (its permission read failed: link nothing)."""
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, DELETE), (name,))

    def links_of(self, ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """Every (person, alias, source) row naming one of ``ids`` at either end."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, LINKS.format(marks=marks)), (*ids, *ids))
            return [(str(r[0]), str(r[1]), str(r[2])) for r in cur.fetchall()]
