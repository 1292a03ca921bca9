"""Exactly once per platform event id (Slack's ``event_id``), across retries and processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.contracts.store import Store


class EventClaims:
    """Claims recorded in the store, so every process sharing it agrees."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @asynccontextmanager
    async def claim(self, event_id: str) -> AsyncIterator[bool]:
        """Yields True for the delivery that claimed ``event_id``, False when it is done or in
        flight (possibly in another process). The claim is finished when the block ends and
        released when it raises, so a later retry may run it.
        """
        claimed = await asyncio.to_thread(self.store.claim_event, event_id)
        if not claimed:
            yield False
            return
        try:
            yield True
        except BaseException:
            self.store.release_event(event_id)  # synchronous: we may be cancelled
            raise
        await asyncio.to_thread(self.store.finish_event, event_id)
