"""Fetching changed documents in a small thread pool, politely.

A ``RateLimited`` answer pauses every worker of the source for the ``Retry-After`` the
service asked for (never less than a second), then the document is tried again, a few times
at most; ``AuthFailed`` stops the whole source (no point asking again with the same
credentials); any other ``SourceError`` skips that one document and is reported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import structlog

from sources.model import AuthFailed, Connector, Entry, RateLimited, Skipped, SourceDocument
from sources.retry_after import polite_wait

log = structlog.get_logger("sources.fetch")

RATE_LIMIT_TRIES = 4


@dataclass
class Fetched:
    """One entry's outcome: its document, or why there is none (``skipped`` is deliberate)."""

    entry: Entry
    document: SourceDocument | None = None
    problem: str = ""
    skipped: bool = False


class Pause:
    """When every worker of one source may next call the service."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._until = 0.0
        self._lock = threading.Lock()
        self.sleep = sleep

    def wait(self) -> None:
        delay = self._until - time.monotonic()
        if delay > 0:
            self.sleep(delay)

    def extend(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)


class Fetcher:
    """Fetches entries for one source; ``auth_failure`` is set once the credentials fail."""

    def __init__(self, connector: Connector, max_bytes: int, workers: int = 4,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.connector = connector
        self.max_bytes = max_bytes
        self.workers = workers
        self.pause = Pause(sleep)
        self.auth_failure: AuthFailed | None = None

    def fetch_all(self, entries: list[Entry]) -> Iterator[Fetched]:
        """Every entry's outcome as it completes (fewer once the credentials fail)."""
        with ThreadPoolExecutor(self.workers, thread_name_prefix="fetch") as pool:
            pending: set[Future[Fetched]] = set()
            queue = list(reversed(entries))
            while queue or pending:
                while queue and len(pending) < self.workers * 2 and self.auth_failure is None:
                    pending.add(pool.submit(self.fetch_one, queue.pop()))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()

    def fetch_one(self, entry: Entry) -> Fetched:
        if entry.size is not None and entry.size > self.max_bytes:
            return Fetched(entry, problem=self._too_large(entry.size), skipped=True)
        try:
            document = self._with_retries(entry)
        except Skipped as exc:
            return Fetched(entry, problem=str(exc), skipped=True)
        except AuthFailed as exc:
            self.auth_failure = self.auth_failure or exc
            return Fetched(entry, problem=str(exc))
        except Exception as exc:  # one bad document must not stop the source
            return Fetched(entry, problem=f"{type(exc).__name__}: {exc}")
        if len(document.body) > self.max_bytes:
            return Fetched(entry, problem=self._too_large(len(document.body)), skipped=True)
        return Fetched(entry, document)

    def _with_retries(self, entry: Entry) -> SourceDocument:
        for attempt in range(1, RATE_LIMIT_TRIES + 1):
            self.pause.wait()
            if self.auth_failure is not None:
                raise self.auth_failure
            try:
                return self.connector.fetch(entry)
            except RateLimited as exc:
                delay = polite_wait(exc.retry_after)
                log.info("source_rate_limited", key=entry.key, retry_after_s=delay,
                         attempt=attempt)
                self.pause.extend(delay)
                if attempt == RATE_LIMIT_TRIES:
                    raise
        raise AssertionError("unreachable")

    def _too_large(self, size: int) -> str:
        return (f"larger than max_document_mb ({size / 1e6:.1f} MB > "
                f"{self.max_bytes / 1e6:g} MB)")
