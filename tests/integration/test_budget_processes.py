"""Two real bot processes spending one user's budget at once, through the shared store
(SQLite and PostgreSQL): together they pass the cap by less than one hold, never by the
turns they run at the same time, and the ledger adds up to what the turns used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from stores import open_store

REPO = Path(__file__).resolve().parents[2]
CAP, HOLD, TURNS = 400, 100, 6  # a turn here uses about 70 tokens, less than its hold
CONFIG = f"""
tools = []
agent = "tools"
[roles]
primary = "slow"
[profiles.slow]
kind = "scripted"
replies = ["This answer streams slowly, so turns overlap."]
latency_s = 0.1
max_retries = 0
[budgets]
hold_tokens = {HOLD}
[budgets.user]
tokens_per_day = {CAP}
"""


def start(config: Path, go: Path, data_dir: Path, store_url: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_DATA_DIR=str(data_dir), BOT_STORE__URL=store_url, PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "tests.fakes.budget_client", str(config), str(go), str(TURNS)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=REPO)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", \
        proc.stderr.read() if proc.stderr else ""
    return proc


def test_two_processes_cannot_both_spend_the_last_of_a_budget(
    tmp_path: Path, store_url: str, data_dir: Path
) -> None:
    config, go = tmp_path / "bot.toml", tmp_path / "go"
    config.write_text(CONFIG)
    procs = [start(config, go, data_dir, store_url) for _ in range(2)]
    go.touch()  # both ask all their questions now
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        results += [json.loads(line) for line in out.splitlines()]
    answered = [r for r in results if r["answered"]]
    refused = [r for r in results if r["refused"]]
    assert len(answered) + len(refused) == 2 * TURNS and answered and refused
    assert all("your daily token budget (400 tokens)" in r["refused"] for r in refused)
    with closing(open_store(store_url, data_dir)) as store:
        keys = store.keys()  # one conversation per question
        turns = [t for key in keys for t in store.history(key)]
    spent = sum(t.input_tokens + t.output_tokens for t in turns if t.role == "assistant")
    assert sum(t.role == "assistant" for t in turns) == len(answered)
    assert sum(t.refused is not None for t in turns) == len(refused)
    # Reserve-then-settle: admitted while spent + held < cap, each turn under its hold.
    assert spent < CAP + HOLD, (spent, len(answered))
    assert ledger(store_url, data_dir) == (spent, 0)


def ledger(store_url: str, data_dir: Path) -> tuple[int, int]:
    """(tokens charged to U1 today, holds left) straight from the store's tables."""
    store = open_store(store_url, data_dir)
    try:
        with store._tx() as cur:  # type: ignore[attr-defined]
            cur.execute("SELECT SUM(tokens) FROM budget_usage WHERE scope = 'user:U1' "
                        "AND period LIKE 'day:%'")
            charged = cur.fetchone()[0]
            cur.execute("SELECT COUNT(*) FROM budget_holds")
            return int(charged), int(cur.fetchone()[0])
    finally:
        store.close()
