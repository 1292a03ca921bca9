"""Fetching from a hosted service that pushes back: Retry-After is waited out by every
worker, refused credentials stop the source, one broken document is skipped."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel

from sources.fetcher import Fetched, Fetcher
from sources.model import (
    AuthFailed,
    Entry,
    Listing,
    Malformed,
    RateLimited,
    Readers,
    SourceDocument,
)


class Service:
    """A stand-in for a hosted API (outside the machine): scripted answers per key."""

    kind: ClassVar[str] = "scripted"
    Options: ClassVar[type[BaseModel]] = BaseModel

    def __init__(self, answers: dict[str, list[Exception | None]]) -> None:
        self.answers = answers
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        raise AssertionError("not listed here")

    def fetch(self, entry: Entry) -> SourceDocument:
        with self.lock:
            self.calls.append(entry.key)
            queue = self.answers.get(entry.key, [])
            problem = queue.pop(0) if queue else None
        if problem is not None:
            raise problem
        return SourceDocument(entry, entry.key, f"https://x/{entry.key}", datetime.now(UTC),
                              Readers(public=True), b"# Title\n\ntext", "text/markdown")


def fetch(service: Service, keys: list[str], sleeps: list[float]) -> tuple[Fetcher, list[Fetched]]:
    fetcher = Fetcher(service, max_bytes=1_000_000, workers=2, sleep=sleeps.append)
    return fetcher, list(fetcher.fetch_all([Entry(k, "v1") for k in keys]))


def test_retry_after_is_honoured_then_the_document_comes() -> None:
    service = Service({"a": [RateLimited("slow down", retry_after=7.0)]})
    sleeps: list[float] = []
    _, results = fetch(service, ["a"], sleeps)
    [result] = results
    assert result.document is not None and service.calls == ["a", "a"]
    assert sleeps and max(sleeps) > 6.0  # the pause asked for, not an immediate retry


def test_a_service_that_keeps_refusing_is_given_up_on_after_a_few_tries() -> None:
    service = Service({"a": [RateLimited("slow down", retry_after=1.0)] * 10})
    _, [result] = fetch(service, ["a"], [])
    assert result.document is None and "slow down" in result.problem
    assert len(service.calls) == 4


def test_refused_credentials_stop_fetching_and_a_malformed_document_is_skipped() -> None:
    service = Service({"bad": [Malformed("not JSON")],
                       "locked": [AuthFailed("the token in NOTION_TOKEN was refused")] * 50})
    keys = ["bad", "locked"] + [f"doc{i}" for i in range(30)]
    fetcher, results = fetch(service, keys, [])
    assert fetcher.auth_failure is not None
    assert "NOTION_TOKEN" in str(fetcher.auth_failure)
    assert len(service.calls) < len(keys)  # the rest were not asked for
    [bad] = [r for r in results if r.entry.key == "bad"]
    assert bad.document is None and "not JSON" in bad.problem


def test_a_document_over_the_limit_is_skipped_before_it_is_fetched() -> None:
    service = Service({})
    fetcher = Fetcher(service, max_bytes=1_000, workers=1)
    [result] = list(fetcher.fetch_all([Entry("big.pdf", "v1", size=200_000_000)]))
    assert result.skipped and "200.0 MB" in result.problem and service.calls == []
