"""People's names for the authors of a thread, looked up once each (users.info)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog

from sources.model import AuthFailed, RateLimited, SourceError

log = structlog.get_logger("sources.slack")


class SlackNames:
    """``name(user_id)``: the person's display or real name; the id itself when Slack cannot
    say (no ``users:read`` scope, an unknown user), after which it stops asking."""

    def __init__(self, lookup: Callable[[str], dict[str, Any]]) -> None:
        self._lookup = lookup
        self._names: dict[str, str] = {}
        self._working = True

    def name(self, user_id: str) -> str:
        if user_id not in self._names and self._working:
            self._names[user_id] = self._ask(user_id)
        return self._names.get(user_id, user_id)

    def _ask(self, user_id: str) -> str:
        try:
            user = self._lookup(user_id).get("user") or {}
        except (AuthFailed, RateLimited) as exc:  # no users:read, or no time: stop asking
            log.info("slack_names_unavailable", error=str(exc))
            self._working = False
            return user_id
        except SourceError:  # this one user (user_not_found): keep the id
            return user_id
        profile = user.get("profile") or {}
        return str(profile.get("display_name") or profile.get("real_name")
                   or user.get("real_name") or user.get("name") or user_id)
