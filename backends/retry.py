"""The one retry policy for LLM calls. It reads as the spec:

1. Only failures that may pass are retried: timeouts (and HTTP 408), connection errors,
   rate limits (429), server errors (409, 5xx), a stream that broke before anything was
   shown, and a reply we could not read. Bad requests, rejected keys and content filtering
   are not: asking again would fail the same way.
2. Nothing is retried once the user has seen part of the answer; the answer is marked
   interrupted instead and the user may retry it.
3. One backend gets at most ``max_retries`` retries per call (``max_retries + 1`` attempts).
4. The wait before retry ``n`` (0-based) is drawn uniformly from
   ``[0, min(max_delay_s, backoff_s * 2**n)]`` ("full jitter"), so clients that failed
   together do not come back together.
5. A server's ``Retry-After`` is honoured exactly; one longer than ``max_retry_after_s`` is
   not waited for: this backend is given up and the fallback chain moves on.

The openai SDK's own retries are switched off, so this is the only layer that retries:
streamed chat calls through :mod:`backends.resilient`, blocking calls (embeddings) through
:func:`call_with_retries`.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from config.profiles import ProfileSettings
from contracts.llm_errors import LLMError, LLMRateLimited

log = structlog.get_logger("bot.llm.resilience")
T = TypeVar("T")


@dataclass(frozen=True)
class Decision:
    """Retry or not, after how long, and why (the reason is logged)."""

    retry: bool
    delay_s: float
    reason: str


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    backoff_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 30.0

    @classmethod
    def for_profile(cls, profile: ProfileSettings) -> RetryPolicy:
        return cls(max_retries=profile.max_retries, backoff_s=profile.retry_backoff_s,
                   max_retry_after_s=min(cls.max_retry_after_s, profile.timeout_s))

    def decide(self, error: LLMError, retries_done: int, shown: bool) -> Decision:
        """What to do after ``error``, given ``retries_done`` retries and whether text was shown."""
        name = type(error).__name__
        if shown:
            return Decision(False, 0.0, f"{name} after part of the answer was shown")
        if not error.retryable:
            return Decision(False, 0.0, f"{name} will not pass by retrying")
        if retries_done >= self.max_retries:
            return Decision(False, 0.0, f"{name}; gave up after {retries_done + 1} attempts")
        wait = error.retry_after if isinstance(error, LLMRateLimited) else None
        if wait is not None and wait > self.max_retry_after_s:
            return Decision(False, 0.0, f"{name}; server asked for {wait:.0f}s, over the "
                                        f"{self.max_retry_after_s:.0f}s we wait")
        if wait is not None:
            return Decision(True, wait, f"{name}; server asked for {wait:g}s (Retry-After)")
        delay = random.uniform(0, min(self.max_delay_s, self.backoff_s * 2**retries_done))
        return Decision(True, delay, f"{name}; backing off {delay:.2f}s")


def call_with_retries(
    call: Callable[[], T], policy: RetryPolicy, profile: str,
    as_error: Callable[[Exception], LLMError], sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run a blocking ``call`` (e.g. an embeddings request) under ``policy``.

    Each failure is read as an :class:`LLMError` by ``as_error``; the last one is raised.
    """
    for retries in itertools.count():
        try:
            return call()
        except Exception as exc:
            error = as_error(exc)
            decision = policy.decide(error, retries, shown=False)
            log.warning("llm_retry" if decision.retry else "llm_give_up", profile=profile,
                        attempt=retries + 1, error=type(error).__name__,
                        delay_s=round(decision.delay_s, 3), reason=decision.reason)
            if not decision.retry:
                raise error from exc
            sleep(decision.delay_s)
    raise AssertionError("unreachable")  # itertools.count() never ends
