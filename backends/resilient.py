"""A profile's backend wrapped in the retry policy and its fallback chain, with cooldowns.

``profiles.openai.fallbacks = ["local"]``: a call first goes to ``openai`` (retried per
:mod:`backends.retry`), then, if that fails before anything was shown, to ``local``. A profile
that failed this way is cooled down for its ``cooldown_s``: later calls try the others
first, and come back to it only when nothing else is left. Every decision is logged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass

import structlog

from backends.retry import RetryPolicy
from config.profiles import ProfileSettings
from contracts.llm import (
    LLM,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    UsageChunk,
    approx_tokens,
    cost_usd,
)
from contracts.llm_errors import (
    LLMAuthError,
    LLMError,
    LLMNotConfigured,
    LLMTimeout,
    LLMWorkerCrashed,
)

log = structlog.get_logger("bot.llm.resilience")


class Cooldowns:
    """Profiles that failed recently, and until when they are tried last. Shared per pool."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def remaining(self, name: str) -> float:
        return max(0.0, self._until.get(name, 0.0) - self._clock())

    def trip(self, name: str, seconds: float) -> None:
        if seconds > 0:
            self._until[name] = self._clock() + seconds

    def clear(self, name: str) -> None:
        self._until.pop(name, None)


@dataclass
class Link:
    """One profile in a chain; its backend is built on first use."""

    name: str
    settings: ProfileSettings
    build: Callable[[], LLM]


def _cools_down(error: LLMError) -> bool:
    """Failures that say the backend is unwell, not that this one request was bad."""
    return error.retryable or isinstance(error, LLMAuthError | LLMNotConfigured | LLMWorkerCrashed)


class ResilientLLM:
    """An :class:`~contracts.llm.LLM` that retries and falls back; usage names who answered."""

    def __init__(self, links: list[Link], cooldowns: Cooldowns) -> None:
        first = links[0]
        self.links = links
        self.cooldowns = cooldowns
        self.profile = first.name
        self.model = first.settings.model
        self.price_in = first.settings.price_in
        self.price_out = first.settings.price_out

    def count_tokens(self, text: str) -> int:
        try:
            counter = getattr(self.links[0].build(), "count_tokens", approx_tokens)
        except LLMError:
            counter = approx_tokens
        return int(counter(text))

    async def aclose(self) -> None:
        """Nothing of its own: the pool closes the backends it built."""

    def _order(self) -> list[Link]:
        """Healthy links in chain order, then cooling ones (a last resort beats no answer)."""
        cooling = [link for link in self.links if self.cooldowns.remaining(link.name) > 0]
        for link in cooling:
            log.info("llm_cooling_skipped", chain=self.profile, profile=link.name,
                     remaining_s=round(self.cooldowns.remaining(link.name), 1),
                     reason="failed recently; tried last")
        return [link for link in self.links if link not in cooling] + cooling

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        failures: list[LLMError] = []
        for position, link in enumerate(self._order()):
            if position:
                log.warning("llm_fallback", chain=self.profile, to=link.name,
                            reason=f"{failures[-1].profile or 'previous'} failed: "
                                   f"{type(failures[-1]).__name__}")
            try:
                async with aclosing(self._attempts(link, request)) as chunks:
                    async for chunk in chunks:
                        yield chunk
            except LLMError as exc:
                failures.append(exc)
                if exc.text_shown:
                    raise
                if _cools_down(exc):
                    self.cooldowns.trip(link.name, link.settings.cooldown_s)
                    log.warning("llm_cooldown", profile=link.name, seconds=link.settings.cooldown_s,
                                reason=type(exc).__name__)
                continue
            self.cooldowns.clear(link.name)
            return
        raise failures[0]

    async def _attempts(self, link: Link, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        """One link, retried per its profile's policy; never once something was yielded.

        Once text or a tool call has been shown no retry can follow, so the rest of the
        stream is relayed in a plain loop, without the per-chunk bookkeeping."""
        policy = RetryPolicy.for_profile(link.settings)
        try:
            llm = link.build()
        except LLMNotConfigured as exc:
            exc.profile = exc.profile or link.name
            log.warning("llm_unavailable", profile=link.name, reason=exc.detail)
            raise
        for retries in range(policy.max_retries + 1):
            shown = False
            try:
                async with aclosing(llm.stream(request)) as chunks:
                    async for chunk in chunks:
                        yield _attributed(chunk, link.name, llm)
                        if isinstance(chunk, TextChunk | ToolCallChunk):
                            shown = True
                            break
                    async for chunk in chunks:  # shown: relayed as it comes
                        yield _attributed(chunk, link.name, llm) \
                            if isinstance(chunk, UsageChunk) else chunk
                return
            except LLMError as exc:
                exc.profile = exc.profile or link.name
                exc.text_shown = shown
                decision = policy.decide(exc, retries, shown)
                log.warning("llm_retry" if decision.retry else "llm_give_up", profile=link.name,
                            attempt=retries + 1, error=type(exc).__name__,
                            delay_s=round(decision.delay_s, 3), reason=decision.reason)
                if not decision.retry:
                    raise
                request = _retried(request, exc)
                await asyncio.sleep(decision.delay_s)


def _retried(request: LLMRequest, error: LLMError) -> LLMRequest:
    """The request to try again: a whole reply that timed out is asked for as a stream,
    which needs a chunk within the profile's ``timeout_s`` where the whole reply had to come
    within it (a slow model's long answer may need longer)."""
    if request.whole and isinstance(error, LLMTimeout):
        return request.model_copy(update={"whole": False})
    return request


def _attributed(chunk: LLMChunk, name: str, llm: LLM) -> LLMChunk:
    """Usage says which backend answered and what it cost at that backend's prices."""
    if not isinstance(chunk, UsageChunk) or chunk.backend:
        return chunk
    cost = cost_usd(llm, chunk.input_tokens, chunk.output_tokens)
    return chunk.model_copy(update={"backend": name, "model": llm.model, "cost_usd": cost})
