"""A Slack event claimed by a process that dies mid-answer is not claimed forever: its lease
runs out and a later delivery answers it (SQLite and PostgreSQL, real processes, SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.exactly_once import EventClaims
from contracts.store import Store
from stores import open_store

REPO = Path(__file__).resolve().parents[2]
LEASE_S = 1.0
EVENT = "Ev0LEASED"


@pytest.fixture
def store(store_url: str, data_dir: Path) -> Iterator[Store]:
    handle = open_store(store_url, data_dir)
    yield handle
    handle.close()


@pytest.fixture
def holder(store_url: str, data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """A live process holding the claim on EVENT (tests/fakes/claim_holder.py)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.claim_holder", store_url, str(data_dir), EVENT,
         str(LEASE_S)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        if proc.stdout.readline().strip() != "claimed":
            raise AssertionError(f"the holder did not claim the event: {proc.stderr.read()}")
        yield proc
    finally:
        proc.kill()
        proc.wait()


async def delivered(claims: EventClaims) -> bool:
    """One redelivery of EVENT: True when it was this delivery's to answer."""
    async with claims.claim(EVENT) as fresh:
        return fresh


async def test_a_claim_held_by_a_killed_process_is_taken_over_after_its_lease(
    store: Store, holder: subprocess.Popen[str]
) -> None:
    claims = EventClaims(store, LEASE_S)
    until = time.monotonic() + 3 * LEASE_S  # alive: it renews, every retry is turned away
    while time.monotonic() < until:
        assert not await delivered(claims)
        await asyncio.sleep(LEASE_S / 4)
    assert holder.poll() is None
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    taken = False
    until = time.monotonic() + 60  # dead: a retry answers once the lease has run out
    while not taken and time.monotonic() < until:
        taken = await delivered(claims)
        await asyncio.sleep(LEASE_S / 4)
    assert taken, "the dead process's claim was never released"
    assert not await delivered(claims)  # answered now: later retries are duplicates
