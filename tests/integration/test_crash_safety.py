"""SIGKILL a real bot process mid-turn (and a writer mid-storm): the database stays sound,
the user's question is kept, and the bot carries on — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from contracts.store import Store
from stores import open_store

REPO = Path(__file__).resolve().parents[2]
BOT = [sys.executable, "-m", "apps.cli.main"]
KEY = "stdio:crash"
QUESTION = "Please do not lose this question"
ANSWER = "This answer streams slowly and never finishes, because the process dies mid-way."
BOT_TOML = f"""
tools = []
[roles]
primary = "slow"
[profiles.slow]
kind = "scripted"
replies = ["{ANSWER}"]
"""


def environment(tmp_path: Path, store_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), BOT_STORE__URL=store_url,
               PYTHONPATH=str(REPO))
    return env


@pytest.fixture
def store(store_url: str, data_dir: Path) -> Iterator[Store]:
    """The test's own handle on the database the killed process used."""
    handle = open_store(store_url, data_dir)
    yield handle
    handle.close()


def wait_for(condition: Callable[[], Any], proc: subprocess.Popen, what: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if result := condition():
            return result
        assert proc.poll() is None, f"the process exited before {what}: {stderr_of(proc)}"
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def stderr_of(proc: subprocess.Popen) -> str:
    """The tail of a process's stderr, once it has exited (for failure messages)."""
    proc.wait(timeout=30)
    return proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""


def read_available(proc: subprocess.Popen) -> bytes:
    """Whatever the process has written to stdout so far (waits for the first bytes)."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    return os.read(proc.stdout.fileno(), 65536) if ready else b""


def assert_intact(store_url: str) -> None:
    """The database opens and passes its own checks; no turn lost its conversation."""
    orphans = ("SELECT count(*) FROM turns t LEFT JOIN conversations c "
               "ON c.id = t.conversation_id WHERE c.id IS NULL")
    doubles = ("SELECT count(*) FROM (SELECT key FROM conversations WHERE archived = 0 "
               "GROUP BY key HAVING count(*) > 1) d")
    if store_url.startswith("sqlite:///"):
        with closing(sqlite3.connect(store_url.removeprefix("sqlite:///"))) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            checks = [db.execute(orphans).fetchone(), db.execute(doubles).fetchone()]
    else:
        import psycopg

        with psycopg.connect(store_url) as db:
            checks = [db.execute(orphans).fetchone(), db.execute(doubles).fetchone()]
    assert checks == [(0,), (0,)]


def test_sigkill_mid_answer_keeps_the_question_and_the_bot_carries_on(
    tmp_path: Path, store_url: str, store: Store
) -> None:
    (tmp_path / "bot.toml").write_text(BOT_TOML + "latency_s = 0.5\n")  # ~10 s to answer
    env = environment(tmp_path, store_url)
    proc = subprocess.Popen([*BOT, "ask", "--session", "crash", QUESTION], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: store.history(KEY), proc, "the question was stored")
        shown = read_available(proc)  # the answer has started to stream
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert shown and ANSWER.startswith(shown.decode().strip()[:8])
    assert_intact(store_url)
    assert [(t.role, t.text) for t in store.history(KEY)] == [("user", QUESTION)]

    env["BOT_PROFILES__SLOW__LATENCY_S"] = "0"  # restart: the same bot, now answering fast
    again = subprocess.run([*BOT, "ask", "--session", "crash", "Are you back?"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)
    assert (again.returncode, again.stdout.strip()) == (0, ANSWER), again.stderr
    assert [t.text for t in store.history(KEY)] == [QUESTION, "Are you back?", ANSWER]


def test_sigkill_during_a_storm_of_writes_loses_no_committed_turn(
    tmp_path: Path, store_url: str, data_dir: Path, store: Store
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.store_writer", store_url, str(data_dir)],
        cwd=REPO, env=environment(tmp_path, store_url), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    received = b""
    try:
        while received.count(b"\n") < 400:
            chunk = read_available(proc)
            assert chunk, f"the writer stopped writing: {stderr_of(proc)}"
            received += chunk
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        received += proc.stdout.read() if proc.stdout else b""  # committed before the kill
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert_intact(store_url)
    committed = [int(line) for line in received.decode().splitlines() if line.strip()]
    assert [i for i in committed if store.turn(i) is None] == []
