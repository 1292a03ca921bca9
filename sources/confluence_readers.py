"""Who may read a Confluence page: its space's read permission, narrowed by read
restrictions on the page or any of its ancestors (Confluence applies every one of them).

Space permissions come from ``GET /rest/api/space/{key}?expand=permissions`` (Cloud fills
it in; Data Center has no REST for them, so there the space itself is the principal:
``confluence-space:KEY``). Restrictions come from
``/rest/api/content/{id}/restriction/byOperation/read``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from sources.confluence_client import ConfluenceCalls
from sources.model import Readers, SourceError


def space_readers(calls: ConfluenceCalls, key: str) -> Readers:
    """Readers of every unrestricted page in space ``key``."""
    space = calls.get(f"rest/api/space/{key}", f"space {key}", {"expand": "permissions"})
    principals = [f"confluence-space:{key}"]
    anonymous = False
    for permission in space.get("permissions") or []:
        operation = permission.get("operation") or {}
        if operation.get("operation") != "read" or operation.get("targetType") != "space":
            continue
        anonymous = anonymous or bool(permission.get("anonymousAccess"))
        principals += _subjects(permission.get("subjects") or {})
    why = f"Confluence space {key}" + (" (anonymous read)" if anonymous else "")
    return Readers(public=anonymous, principals=tuple(dict.fromkeys(principals)), why=why)


def read_restriction(calls: ConfluenceCalls, content_id: str) -> tuple[str, ...]:
    """The principals a read restriction on ``content_id`` allows; () when unrestricted."""
    data = calls.get(f"rest/api/content/{content_id}/restriction/byOperation/read",
                     f"the read restrictions of page {content_id}")
    return tuple(_subjects(data.get("restrictions") or {}))


def page_readers(space: Readers, restrictions: list[tuple[str, tuple[str, ...]]]) -> Readers:
    """The space's readers, or, when the page or an ancestor is restricted, those allowed
    by every restriction (``restrictions``: (title, principals) from the page upwards)."""
    levels = [(title, set(p)) for title, p in restrictions if p]
    if not levels:
        return space
    allowed = set.intersection(*(p for _, p in levels)) or levels[0][1]
    named = ", ".join(title for title, _ in levels)
    return Readers(public=False, principals=tuple(sorted(allowed)),
                   why=f"{space.why}, read-restricted by {named}")


def _subjects(subjects: dict[str, Any]) -> list[str]:
    users = (subjects.get("user") or {}).get("results") or []
    groups = (subjects.get("group") or {}).get("results") or []
    named = [f"user:{u.get('accountId') or u.get('username') or u.get('userKey')}" for u in users]
    return named + [f"confluence-group:{g.get('name')}" for g in groups]


def group_members(calls: ConfluenceCalls, cloud: bool, readers: Iterable[Readers],
                  problems: list[str]) -> dict[str, tuple[str, ...]]:
    """The members of every ``confluence-group:`` among ``readers`` (``user:<accountId>``
    or ``user:<username>``, and ``user:<e-mail>`` where Confluence shows it); a group the
    account may not list is left out and said in ``problems``."""
    names = sorted({p.removeprefix("confluence-group:") for r in readers for p in r.principals
                    if p.startswith("confluence-group:")})
    found: dict[str, tuple[str, ...]] = {}
    for name in names:
        path, params = (("rest/api/group/member", {"name": name}) if cloud
                        else (f"rest/api/group/{quote(name, safe='')}/member", {}))
        try:
            users = [u for page in calls.pages(path, f"the members of group {name}", params)
                     for u in page]
        except SourceError as exc:
            problems.append(f"{exc}: its members read its pages only through [access.groups]")
            continue
        found[f"confluence-group:{name}"] = tuple(m for u in users for m in _member_ids(u))
    return found


def _member_ids(user: dict[str, Any]) -> list[str]:
    ident = user.get("accountId") or user.get("username") or user.get("userKey")
    email = user.get("email")
    return [f"user:{ident}"] + ([f"user:{str(email).lower()}"] if email else [])
