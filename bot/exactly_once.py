"""Exactly once per platform event id (Slack's ``event_id``), across retries and processes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog

from contracts.store import Store

log = structlog.get_logger("bot.claims")


class EventClaims:
    """Claims recorded in the store, so every process sharing it agrees.

    A claim is a lease of ``lease_s`` seconds, renewed every third of that while its holder
    works. A holder that dies mid-answer (SIGKILL, a lost machine) stops renewing, so a
    later delivery of the same event takes the claim over once the lease has run out,
    instead of finding it "in flight" forever.
    """

    def __init__(self, store: Store, lease_s: float = 60.0) -> None:
        self.store = store
        self.lease_s = lease_s

    @asynccontextmanager
    async def claim(self, event_id: str) -> AsyncIterator[bool]:
        """Yields True for the delivery that claimed ``event_id``, False when it is done or in
        flight (possibly in another process). The claim is finished when the block ends and
        released when it raises, so a later retry may run it.
        """
        owner = uuid.uuid4().hex
        claimed = await asyncio.to_thread(self.store.claim_event, event_id, owner, self.lease_s)
        if not claimed:
            yield False
            return
        renewing = asyncio.create_task(self._renew(event_id, owner))
        try:
            yield True
        except BaseException:
            renewing.cancel()
            self.store.release_event(event_id, owner)  # synchronous: we may be cancelled
            raise
        renewing.cancel()
        await asyncio.to_thread(self.store.finish_event, event_id)

    async def _renew(self, event_id: str, owner: str) -> None:
        """Keep the lease while the block runs; stop when the claim is no longer ours."""
        while True:
            await asyncio.sleep(self.lease_s / 3)
            try:
                held = await asyncio.to_thread(self.store.renew_event, event_id, owner)
            except Exception as exc:  # the store is down: keep trying while the lease lasts
                log.warning("event_claim_renew_failed", event_id=event_id,
                            error_type=type(exc).__name__, error=str(exc)[:300])
                continue
            if not held:  # another process took it over: we were stalled past the lease
                log.warning("event_claim_lost", event_id=event_id, lease_s=self.lease_s)
                return
