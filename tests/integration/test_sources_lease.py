"""A source's sync lease across processes, on SQLite and PostgreSQL: a live holder keeps
others out; a killed one stops renewing and its lease runs out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sources.lease import SourceLease
from sources.model import Entry, Readers
from sources.report import SyncReport, last_run, record_run
from sources.state import SyncState
from stores import open_store

REPO = Path(__file__).resolve().parents[2]


def test_a_live_holder_keeps_the_source_and_a_killed_one_lets_go(
        store_url: str, data_dir: Path) -> None:
    store = open_store(store_url, data_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.source_lease_holder", store_url, str(data_dir),
         "wiki", "1.0"], stdout=subprocess.PIPE, text=True, env=env)
    lease = SourceLease(store, lease_s=30)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not lease.take("wiki")
        assert lease.take("other-source")  # leases are per source
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 60
    while not lease.take("wiki"):
        assert time.monotonic() < deadline, "a killed holder's lease never ran out"
        time.sleep(0.1)
    store.close()


def test_state_and_history_live_in_the_store(store_url: str, data_dir: Path) -> None:
    store = open_store(store_url, data_dir)
    state = SyncState(store)
    state.save_cursor("wiki", {"sha": "abc"})
    state.record("wiki", Entry("a.md", "v1"), "https://x/a", "A", "2026-01-01T00:00:00+00:00",
                 Readers(public=True))
    state.record("wiki", Entry("a.md", "v2"), "https://x/a", "A", "2026-01-02T00:00:00+00:00",
                 Readers(principals=("group:eng",)))
    report = SyncReport("wiki", added=["a.md"], errors=["one page failed"], outcome="partial")
    record_run(store, report)
    assert state.cursor("wiki") == {"sha": "abc"}
    [doc] = state.documents("wiki").values()
    assert (doc.version, doc.readers) == ("v2", ("group:eng",))
    run = last_run(store, "wiki")
    assert run is not None and (run.added, run.outcome, run.errors) == (
        1, "partial", ["one page failed"])
    store.close()
