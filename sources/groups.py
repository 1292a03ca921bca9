"""Group memberships the permission passes read from the services (Slack channel members,
GitHub team members, Confluence group members), kept in the bot's store so that every
process resolving a principal sees the same ones.

A pass replaces all of its source's rows at once: someone removed from a team at the
source loses the team's grants at the next pass, in every process and replica.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sources.aliases import SourceAliases
from sources.pass_rows import PassRows
from sources.state import sql


class SourceGroups(PassRows):
    """``source_groups`` rows: (source, group, member)."""

    table = "source_groups"
    columns = ("grp", "member")

    def replace(self, name: str, groups: Mapping[str, Sequence[str]]) -> int:
        """Make ``groups`` (group -> members) all that source ``name`` reports; how many rows."""
        return self.replace_rows(name, {(name, g, m) for g, ms in groups.items() for m in ms})

    def groups_of(self, members: Sequence[str]) -> dict[str, str]:
        """The groups listing any of ``members``, each with the source that said so."""
        if not members:
            return {}
        marks = ", ".join("?" for _ in members)
        query = f"SELECT grp, name FROM source_groups WHERE member IN ({marks}) ORDER BY grp"
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, query), tuple(members))
            return {str(r[0]): str(r[1]) for r in cur.fetchall()}

    def links_of(self, ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """The identities the passes linked to any of ``ids`` (sources.aliases)."""
        return SourceAliases(self.store).links_of(ids)
