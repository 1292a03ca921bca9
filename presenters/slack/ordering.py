"""Answer the messages of one thread in the order they arrived."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ArrivalOrder:
    """A FIFO lock per thread, taken before the first await of an event's handling.

    The Session already runs one answer at a time per thread, but the dedupe claim runs in
    a worker thread first, and worker threads finish in any order. Queueing here, on
    arrival, keeps two quick messages in one thread answered first-come, first-served.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:  # forget idle threads: no unbounded growth
                del self._holders[key], self._locks[key]
