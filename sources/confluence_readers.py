"""Who may read a Confluence page: its space's read permission, narrowed by read
restrictions on the page or any of its ancestors (Confluence applies every one of them).

Space permissions come from ``GET /rest/api/space/{key}?expand=permissions`` (Cloud fills
it in; Data Center has no REST for them, so there the space itself is the principal:
``confluence-space:KEY``). Restrictions come from
``/rest/api/content/{id}/restriction/byOperation/read``.
"""

from __future__ import annotations

from typing import Any

from sources.confluence_client import ConfluenceCalls
from sources.model import Readers


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
