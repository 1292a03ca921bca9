"""Pacing LLM calls: a requests-per-second cap per backend.

Retries are not done here: the model pool's resilient layer (:mod:`backends.retry`) is the
one layer that retries transient failures, per profile (``max_retries``). What still fails
after it reaches the eval harness, which records it against the item.
"""

from __future__ import annotations

import asyncio
import time

from contracts.llm import Completion, LLMRequest
from contracts.run_context import Completer


class RateLimiter:
    """Spaces call starts at least ``1/per_second`` apart; ``None`` means no cap."""

    def __init__(self, per_second: float | None) -> None:
        self.interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval  # claimed before sleeping: no lock needed
        if slot > now:
            await asyncio.sleep(slot - now)


class RateLimitedCompleter:
    """Wraps a :class:`Completer` so every call first waits for the rate limiter."""

    def __init__(self, inner: Completer, limiter: RateLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    async def complete(self, role: str, request: LLMRequest) -> Completion:
        await self.limiter.wait()
        return await self.inner.complete(role, request)
