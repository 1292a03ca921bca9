"""``Retry-After``, decided in one place: reading the header, how long to wait for it, and
waiting out a service's 429s within a budget instead of hammering it.

The fetcher, the web client and the connectors that page through listings all wait the same
way: what the service asked for, never under a second, never over ten minutes, and a polite
guess when it named no time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import TypeVar

import structlog

from sources.model import RateLimited

log = structlog.get_logger("sources.rate_limit")
T = TypeVar("T")
DEFAULT_WAIT_S = 5.0  # when a 429 names no Retry-After, a polite guess
MIN_WAIT_S = 1.0  # "Retry-After: 0" would have us hammer the service
MAX_WAIT_S = 600.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now (it may be a number or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    now = time.time() if now is None else now
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def polite_wait(asked: float | None) -> float:
    """Seconds to pause for a service that asked for ``asked`` (None: it did not say)."""
    wait = DEFAULT_WAIT_S if asked is None else asked
    return min(max(wait, MIN_WAIT_S), MAX_WAIT_S)


class WaitBudget:
    """Seconds a connector may spend sleeping on 429s during one listing or fetch."""

    def __init__(self, seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.left = seconds
        self._sleep = sleep

    def call(self, fn: Callable[[], T], what: str) -> T:
        """``fn()``; on RateLimited sleep Retry-After and try again while the budget lasts,
        then re-raise (the caller reports the source as read in part)."""
        while True:
            try:
                return fn()
            except RateLimited as limited:
                wait = polite_wait(limited.retry_after)
                if wait > self.left:
                    raise
                log.info("source_rate_limited", what=what, retry_after_s=wait)
                self.left -= wait
                self._sleep(wait)
