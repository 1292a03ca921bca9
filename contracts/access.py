"""Who is asking, and which documents they may read.

Every passage in the knowledge base carries ``readers``: a non-empty list of strings such as
``"public"``, ``"user:alice@example.com"``, ``"group:eng"``, ``"slack-channel:C0123"``,
``"github-team:acme/core"`` (see ``sources.model.Readers``). A :class:`Principal` holds the
same kind of strings for a person or a shared place (``grants``). The one rule: a principal
may read a passage when the two lists share a string. A passage with no ``readers`` at all
was ingested before permissions existed and counts as public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

PUBLIC = "public"
NOBODY = "nobody"  # what a document no one was granted (or whose source failed) carries


@dataclass(frozen=True)
class Principal:
    """A person, a service or a shared place asking; ``why`` says where each grant came from."""

    id: str
    groups: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()  # source-specific grants: channels, teams, spaces
    known: bool = True
    why: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def grants(self) -> tuple[str, ...]:
        """Everything this principal may read, ``"public"`` first, no repeats."""
        return tuple(dict.fromkeys((PUBLIC, self.id, *self.groups, *self.extra)))


ANYONE = Principal(id="anonymous", known=False)  # reads only public passages


@dataclass(frozen=True)
class Identity:
    """What a surface knows of a person: their reader id and the groups it reports."""

    id: str
    groups: tuple[str, ...] = ()


class Directory(Protocol):
    """A surface's people (Slack: ``users.info`` and user groups), looked up by user id."""

    def lookup(self, user: str) -> Identity | None: ...


class Memberships(Protocol):
    """The groups the sources list people in, as their last permission pass read them."""

    def groups_of(self, members: Sequence[str]) -> dict[str, str]:
        """Each group listing any of ``members``, with the source that said so."""
        ...

    def links_of(self, ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """The identities the sources linked to any of ``ids``: (person's e-mail id, the
        service's id for them, the source that said so)."""
        ...


def may_read(readers: Sequence[str] | str | None, principal: Principal | None) -> bool:
    """Whether ``principal`` may read a passage carrying ``readers`` (None: no filter)."""
    if principal is None:
        return True
    if readers is None:
        return True  # ingested before permissions: public
    listed = [readers] if isinstance(readers, str) else list(readers)
    return bool(set(listed) & set(principal.grants))


def place(place_id: str) -> Principal:
    """A shared place (``slack-channel:C0123``) as a principal: an answer posted there may
    use only what the place itself and the public may read, whoever asked in it."""
    return Principal(id=place_id, why={place_id: "everyone in this place may read it"})
