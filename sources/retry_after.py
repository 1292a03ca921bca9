"""Waiting out a service's ``Retry-After`` within a budget, instead of hammering it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import structlog

from sources.model import RateLimited

log = structlog.get_logger("sources.rate_limit")
T = TypeVar("T")
DEFAULT_WAIT = 30.0  # when a 429 names no Retry-After, a polite guess


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
                wait = limited.retry_after if limited.retry_after is not None else DEFAULT_WAIT
                if wait > self.left:
                    raise
                log.info("source_rate_limited", what=what, retry_after_s=wait)
                self.left -= wait
                self._sleep(wait)
