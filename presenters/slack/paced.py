"""Send the latest state at most once per interval, without ever blocking the answer stream."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger("presenters.slack")


class Paced:
    """Runs ``publish()`` in the background whenever :meth:`mark` says there is news.

    Calls are at least ``interval`` seconds apart and never overlap, so a slow or
    rate-limited Slack call (waiting out a 429) delays the next edit instead of stalling
    the model's stream; news that arrives meanwhile is coalesced into one call. A failure
    stops publishing: it is logged (naming ``what`` was being published) and kept in
    :attr:`error` for the writer to act on.
    """

    def __init__(self, interval: float, publish: Callable[[], Awaitable[None]],
                 what: str = "updates") -> None:
        self.interval = interval
        self.what = what
        self._publish = publish
        self._news = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last = float("-inf")
        self._busy = False
        self.error: BaseException | None = None

    def mark(self) -> None:
        self._news.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await self._news.wait()
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._news.clear()
            self._last = time.monotonic()
            self._busy = True
            try:
                await self._publish()
            except Exception as exc:  # the writer decides what a failure means
                self.error = exc
                log.warning("slack_updates_stopped", what=self.what,
                            error_type=type(exc).__name__, error=str(exc)[:300])
                return
            finally:
                self._busy = False

    async def close(self) -> None:
        """Stop publishing; a call already in flight is awaited, never cut off mid-request."""
        task, self._task = self._task, None
        if task is None:
            return
        while self._busy and not task.done():
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
