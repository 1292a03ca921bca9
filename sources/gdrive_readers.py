"""Who may read a Drive file, from its permissions as Drive lists them."""

from __future__ import annotations

from typing import Any

from sources.model import Readers

PREFIXES = {"user": "user:", "group": "group:"}


def readers_of(permissions: list[dict[str, Any]], title: str) -> Readers:
    """``anyone`` -> public; ``domain`` -> ``domain:<name>``; users and groups by e-mail."""
    public = any(p.get("type") == "anyone" for p in permissions)
    principals: list[str] = []
    for permission in permissions:
        principal = _principal(permission)
        if principal and principal not in principals:
            principals.append(principal)
    how = "anyone with the link" if public else f"{len(principals)} principal(s)"
    return Readers(public=public, principals=tuple(principals),
                   why=f"Drive sharing of {title!r}: {how}")


def _principal(permission: dict[str, Any]) -> str | None:
    kind = permission.get("type")
    if kind == "domain" and permission.get("domain"):
        return f"domain:{permission['domain']}"
    if kind in PREFIXES and permission.get("emailAddress"):
        return PREFIXES[str(kind)] + str(permission["emailAddress"]).lower()
    return None
