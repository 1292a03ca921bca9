"""Who answers for a turn's use: the user a presenter passed, and whoever vouched for them.

An API key's holder names its own end users (OpenAI's ``user`` field), so the store sees
``alice:u1``, ``alice:u2``… under key ``alice`` (place ``api:alice``). Those names are the
client's word, not a sign-in: a client could take a fresh one for every request. So the
key's own user line is charged too (per-user caps then bound the key as a whole), and only
the key itself — never a name its client asserts — can be one of ``budgets.admins``.
"""

from __future__ import annotations

from collections.abc import Collection

API_PLACE = "api:"


def vouched_by(user: str | None, place: str | None) -> str | None:
    """The API key that vouches for ``user`` (its own name), or ``None`` elsewhere."""
    if not user or not place or not place.startswith(API_PLACE):
        return None
    key = place[len(API_PLACE):]
    return key if user == key or user.startswith(f"{key}:") else None


def accountable(user: str | None, place: str | None) -> list[str]:
    """The users whose caps a turn counts against: ``user``, then the key vouching for it."""
    if not user:
        return []
    key = vouched_by(user, place)
    return [user] if key is None or key == user else [user, key]


def is_admin(user: str | None, place: str | None, admins: Collection[str]) -> bool:
    """Whether ``budgets.admins`` exempts the turn: the signed-in user, or for the API the
    key's own name (a client-asserted ``alice:boss`` is never an admin)."""
    if not user:
        return False
    return (vouched_by(user, place) or user) in admins
