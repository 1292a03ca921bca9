"""An event loop in its own thread, where the MCP connections live.

A connection's transport (a subprocess's pipes, an HTTP client) belongs to the loop that
opened it, but turns run on whatever loop their presenter uses (Gradio's, Slack's, a test's).
So the connections live on this loop, and a tool call from any loop is handed over to it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundLoop:
    """``start()``, then ``await run(coro)`` from any loop, or ``call(coro)`` from a thread."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name=self.name, daemon=True)
        self._loop = loop
        self._thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if self._loop is None or self._loop.is_closed():
            coro.close()
            raise RuntimeError(f"{self.name} is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on this loop; cancelling the caller cancels it there too."""
        return await asyncio.wrap_future(self.submit(coro))

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on this loop and block this thread until it is done."""
        return self.submit(coro).result(timeout)

    def stop(self) -> None:
        """Stop the loop and its thread; coroutines still running are dropped."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()
