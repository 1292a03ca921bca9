"""Identities the permission passes linked: a service's id for a person (a GitHub login,
``user:alice-gh``) and the e-mail the service says is theirs (``user:alice@example.com``),
kept in the bot's store beside the group memberships so every process resolving a
principal sees the same links.

A pass replaces all of its source's links at once: a login whose verified e-mail is gone
(or who left the organisation) is no longer that person at the next pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sources.pass_rows import PassRows
from sources.state import sql

LINKS = (
    "SELECT person, alias, name FROM source_aliases WHERE person IN ({marks}) "
    "OR alias IN ({marks}) ORDER BY person, alias, name"
)


class SourceAliases(PassRows):
    """``source_aliases`` rows: (source, person's e-mail id, the service's id for them)."""

    table = "source_aliases"
    columns = ("person", "alias")

    def replace(self, name: str, links: Mapping[str, Sequence[str]]) -> int:
        """Make ``links`` (service id -> e-mail ids) all that source ``name`` linked."""
        return self.replace_rows(name, {(name, p, a) for a, ps in links.items() for p in ps})

    def links_of(self, ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """Every (person, alias, source) row naming one of ``ids`` at either end."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, LINKS.format(marks=marks)), (*ids, *ids))
            return [(str(r[0]), str(r[1]), str(r[2])) for r in cur.fetchall()]
