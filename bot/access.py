"""Who is asking: the presenter's ``user`` and ``space`` turned into a :class:`Principal`.

One rule for every surface (docs/access.md):

- a Slack channel or thread answer (``space = "slack:<channel>"``, a public conversation)
  is drawn from what the channel may read (``slack-channel:<id>`` and public), whoever
  asked: the strictest reader of a shared place; a private answer (its conversation key
  holds ``:private:``) or a direct message (``D…``) from what the asker may read;
- an API key or MCP token (``"api:<name>"``, ``"mcp:<name>"``) asks as its
  ``[access.keys.<name>]`` principal, or as the request's user when trusted to name one;
- anyone else asks as ``user:<id>`` with the ``[access.groups]`` that list them;
- ``user`` may already be a reader string (``bot ask --as user:alice@example.com``);
- one person is one principal under all their ids: ``[access.aliases]`` and the ids the
  sources linked to their e-mail (bot/aliases.py) add each other's grants, both ways;
- the groups the sources list them in (Slack channels, GitHub teams, Confluence groups, as
  the last permission pass stored them) count as theirs, and ``[access.groups]`` may list
  such a group (``leads = ["github-team:acme/core"]``).

A principal no group and no key knows is logged once and reads what is public (and what was
shared with its own id).
"""

from __future__ import annotations

import threading
from dataclasses import replace

import structlog

from bot.aliases import Aliases
from config.access import PRINCIPAL, AccessSettings
from contracts.access import Directory, Memberships, Principal, place

log = structlog.get_logger("bot.access")
PRIVATE_MARK = ":private:"


class Principals:
    """Resolves turns to principals under one ``[access]``; thread-safe."""

    def __init__(self, access: AccessSettings, memberships: Memberships | None = None) -> None:
        self.access = access
        self.memberships = memberships  # the sources' groups (sources.groups.SourceGroups)
        self._members = _memberships(access.groups)
        self.aliases = Aliases(access.aliases)
        self._warned: set[str] = set()
        self._lock = threading.Lock()
        self.directories: dict[str, Directory] = {}  # surface -> its people (Slack's)

    def for_turn(self, key: str, user: str | None, space: str | None) -> Principal | None:
        """The turn's principal; None when ``[access]`` is off (no filter)."""
        if not self.access.enabled:
            return None
        kind, _, name = (space or "").partition(":")
        if kind == "slack":  # the asker is a member of the channel they ask in
            channel = f"slack-channel:{name}"
            if PRIVATE_MARK not in key and not name.startswith("D"):  # D…: a direct message
                return place(channel)
            who = self.person(user or "anonymous", self.directories.get("slack"))
            return replace(who, extra=(*who.extra, channel), why={**who.why, channel: "member"})
        if kind in ("api", "mcp"):
            return self._for_key(name, end_user(name, user))
        return self.person(user or "anonymous")

    def _for_key(self, name: str, named: str | None) -> Principal:
        """An API key or MCP token: its principal, or the end user it is trusted to name."""
        grant = self.access.keys.get(name)
        if grant is None:
            return self.person(named or name)
        return self.person(named if grant.trusted_to_name_user and named else grant.principal)

    def person(self, who: str, directory: Directory | None = None) -> Principal:
        """``who`` (an id or a reader string) with its aliases (``[access.aliases]`` and the
        ids the sources linked to it), the configured groups and the sources' groups of any
        of those ids, and what the surface's ``directory`` says of them (Slack: e-mail and
        user groups)."""
        found = directory.lookup(who) if directory is not None else None
        ident = found.id if found else who if PRINCIPAL.fullmatch(who) else f"user:{who}"
        aliases = self.aliases.of(ident, self.memberships)
        sourced = {g: (s, i) for i in (*aliases, ident) for g, s in self._sourced(i).items()}
        configured = self._configured((ident, *aliases, *sourced))
        groups = tuple(dict.fromkeys((*sourced, *configured)))
        reported = tuple(g for g in (found.groups if found else ()) if g not in groups)
        known = (bool(found or groups or aliases) or ident.startswith("service:")
                 or ident in self._key_ids())
        if not known:
            self._warn_once(ident)
        why = {ident: "their own id"}
        why |= {a: f"their own id, via alias {a} ({how})" for a, how in aliases.items()}
        why |= {g: f"a member{_via(i, ident)}, as source {s} said at its last permission pass"
                for g, (s, i) in sourced.items()}
        why |= {g: f"listed in [access.groups] {g[6:]}" for g in configured}
        why |= {g: "a member, as the surface reports" for g in reported}
        return Principal(id=ident, groups=groups + reported, extra=tuple(aliases), known=known,
                         why=why)

    def _sourced(self, ident: str) -> dict[str, str]:
        """The sources' groups listing ``ident`` (none when the store cannot say: fewer
        grants, never more)."""
        if self.memberships is None:
            return {}
        try:
            return self.memberships.groups_of([ident])
        except Exception as exc:  # the store is down: answer from config alone
            log.warning("access_source_groups_failed", error_type=type(exc).__name__,
                        error=str(exc)[:300])
            return {}

    def _configured(self, members: tuple[str, ...]) -> tuple[str, ...]:
        """``[access.groups]`` listing any of ``members`` (groups of groups followed)."""
        return tuple(dict.fromkeys(g for m in members for g in self._members.get(m, ())))

    def _key_ids(self) -> set[str]:
        return {k.principal for k in self.access.keys.values()}

    def _warn_once(self, ident: str) -> None:
        with self._lock:
            if ident in self._warned:
                return
            self._warned.add(ident)
        log.warning("access_unknown_principal", principal=ident,
                    fix="list them in [access.groups]; until then they read public documents")


def source_groups(store: object) -> Memberships | None:
    """The sources' group memberships in the bot's ``store`` (None: a store without SQL)."""
    if not hasattr(store, "transaction"):
        return None
    from sources.groups import SourceGroups

    return SourceGroups(store)


def end_user(key_name: str, user: str | None) -> str | None:
    """The end user a request names: the API sends ``<key name>:<user>``, MCP its caller."""
    if not user or user == key_name:
        return None
    return user.removeprefix(f"{key_name}:")


def _via(member: str, ident: str) -> str:
    return "" if member == ident else f" via alias {member}"


def _memberships(groups: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Member -> the ``group:<name>`` strings that list it (groups may list groups)."""
    direct: dict[str, list[str]] = {}
    for name, members in groups.items():
        for member in members:
            direct.setdefault(member, []).append(f"group:{name}")
    return {m: tuple(_closure(m, direct)) for m in direct}


def _closure(member: str, direct: dict[str, list[str]]) -> list[str]:
    found: list[str] = []
    todo = list(direct.get(member, []))
    while todo:
        group = todo.pop()
        if group not in found:
            found.append(group)
            todo.extend(direct.get(group, []))
    return found
