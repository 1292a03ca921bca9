"""One syncer per source across processes and replicas: a lease row in the bot's store.

Like the Slack event claims (``bot.exactly_once``): the holder renews the lease while it
works; one that dies stops renewing, and once the lease runs out another runner takes over.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from sources.state import sql

log = structlog.get_logger("sources.lease")

ENSURE = ("INSERT INTO source_leases (name, owner, expires_at) VALUES (?, '', 0) "
          "ON CONFLICT (name) DO NOTHING")
TAKE = ("UPDATE source_leases SET owner = ?, expires_at = ? "
        "WHERE name = ? AND (owner = ? OR owner = '' OR expires_at < ?)")
RELEASE = "UPDATE source_leases SET owner = '', expires_at = 0 WHERE name = ? AND owner = ?"


class SourceLease:
    """``with lease.hold(name) as held:`` runs the block only where ``held`` is True."""

    def __init__(self, store: Any, lease_s: float = 120.0) -> None:
        self.store = store
        self.lease_s = lease_s
        self.owner = uuid.uuid4().hex

    def take(self, name: str) -> bool:
        """True when this runner now holds ``name`` (it was free, expired, or already ours)."""
        now = time.time()
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, ENSURE), (name,))
            cur.execute(sql(self.store, TAKE), (self.owner, now + self.lease_s, name,
                                                self.owner, now))
            return bool(cur.rowcount == 1)

    def release(self, name: str) -> None:
        with self.store.transaction() as cur:
            cur.execute(sql(self.store, RELEASE), (name, self.owner))

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        """Hold the lease for the block (renewed every third of it); False: someone else has it."""
        if not self.take(name):
            yield False
            return
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(name, stop), daemon=True)
        renewer.start()
        try:
            yield True
        finally:
            stop.set()
            renewer.join()
            self.release(name)

    def _renew(self, name: str, stop: threading.Event) -> None:
        while not stop.wait(self.lease_s / 3):
            try:
                if not self.take(name):
                    log.warning("source_lease_lost", source=name, lease_s=self.lease_s)
                    return
            except Exception as exc:  # the store is down: keep trying while the lease lasts
                log.warning("source_lease_renew_failed", source=name, error=str(exc)[:300])
