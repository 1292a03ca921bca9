"""Who else a person is: the ids one person has on other services.

``[access.aliases]`` names them in config (``"user:alice@example.com" = ["user:alice-gh"]``),
and the permission passes link a service's id to the e-mail the service shows for it (a
GitHub login's verified organisation e-mail, a Confluence user's e-mail), stored in the
bot's store. Both apply both ways: alice asking by e-mail reads what her GitHub login may,
and her login reads what her e-mail may. Config wins: a stored link that gives an id the
config assigns to someone else is ignored and logged once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import structlog

log = structlog.get_logger("bot.access")
ROUNDS = 2  # login -> e-mail -> the e-mail's other ids: links never chain further


class Links(Protocol):
    """The identities the sources linked (sources.groups.SourceGroups)."""

    def links_of(self, ids: Sequence[str]) -> list[tuple[str, str, str]]: ...


class Aliases:
    """``[access.aliases]`` and the sources' links, resolved for one id; thread-safe."""

    def __init__(self, configured: dict[str, list[str]]) -> None:
        self._people = {i: (p, *ids) for p, ids in configured.items() for i in (p, *ids)}
        self._warned: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def of(self, ident: str, links: Links | None) -> dict[str, str]:
        """Every other id of ``ident``, each with why it is theirs."""
        found = {i: "[access.aliases]" for i in self._people.get(ident, ()) if i != ident}
        for _ in range(ROUNDS):
            new = self._linked((ident, *found), links, found)
            if not new:
                break
            found |= new
        found.pop(ident, None)
        return found

    def _linked(self, ids: tuple[str, ...], links: Links | None,
                found: dict[str, str]) -> dict[str, str]:
        """The ids the stored links add to ``ids`` (config's owners kept)."""
        new: dict[str, str] = {}
        for person, alias, source in _rows(links, ids):
            if not self._allowed(person, alias, source):
                continue
            for other in (person, alias):
                if other not in ids and other not in found:
                    new[other] = f"source {source} links {alias} to {person}"
        return new

    def _allowed(self, person: str, alias: str, source: str) -> bool:
        """False when config lists ``alias`` under someone other than ``person``."""
        owner = self._people.get(alias)
        if owner is None or person in owner:
            return True
        with self._lock:
            first = (person, alias) not in self._warned
            self._warned.add((person, alias))
        if first:
            log.warning("access_alias_conflict", alias=alias, discovered=person,
                        configured=owner[0], source=source,
                        fix="[access.aliases] wins; correct it or the e-mail at the service")
        return False


def _rows(links: Links | None, ids: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """The stored links naming ``ids`` (none when the store cannot say: fewer grants)."""
    if links is None or not hasattr(links, "links_of"):
        return []
    try:
        return links.links_of(list(ids))
    except Exception as exc:  # the store is down: answer from config alone
        log.warning("access_source_aliases_failed", error_type=type(exc).__name__,
                    error=str(exc)[:300])
        return []
