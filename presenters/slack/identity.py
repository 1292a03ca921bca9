"""Who a Slack user is, for ``[access]``: their e-mail (``users.info``, which needs the
``users:read.email`` scope) and the user groups that list them (``usergroups.list`` with
members), so a Slack user reads what ``user:<e-mail>`` and ``group:<handle>`` may.

Learned before each answer (one cached look-up per user and ``TTL_S``) and handed to the
bot's :class:`bot.access.Principals` as its ``slack`` directory.
"""

from __future__ import annotations

import time
from typing import Any

import structlog

from contracts.access import Identity

log = structlog.get_logger("presenters.slack")
TTL_S = 300.0  # a group change reaches answers within five minutes


class SlackDirectory:
    """Slack user id -> :class:`Identity`, learned through the Web API ``client``."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._known: dict[str, tuple[float, Identity]] = {}
        self._groups: tuple[float, dict[str, list[str]]] = (0.0, {})

    def lookup(self, user: str) -> Identity | None:
        """What was learned about ``user`` (None: nothing yet)."""
        found = self._known.get(user)
        return found[1] if found else None

    async def learn(self, user: str) -> Identity | None:
        """Look ``user`` up (cached for ``TTL_S``); None when Slack would not say."""
        found = self._known.get(user)
        if found and time.monotonic() - found[0] < TTL_S:
            return found[1]
        try:
            info = await self.client.users_info(user=user)
            groups = await self._usergroups()
        except Exception as exc:  # Slack said no: the user reads public documents only
            log.warning("slack_identity_unavailable", user=user, error=str(exc)[:200])
            return None
        email = str(info["user"].get("profile", {}).get("email") or "")
        mine = tuple(f"group:{h}" for h, members in groups.items() if user in members)
        identity = Identity(id=f"user:{email}" if email else f"user:{user}", groups=mine)
        self._known[user] = (time.monotonic(), identity)
        return identity

    async def _usergroups(self) -> dict[str, list[str]]:
        at, groups = self._groups
        if time.monotonic() - at < TTL_S and at:
            return groups
        reply = await self.client.usergroups_list(include_users=True)
        groups = {str(g["handle"]): list(g.get("users") or []) for g in reply["usergroups"]}
        self._groups = (time.monotonic(), groups)
        return groups
