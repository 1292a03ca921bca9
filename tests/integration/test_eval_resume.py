"""A killed ``bot eval pairwise`` resumes: nothing lost, nothing repeated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.fakes.eval_judges import write_pairs
from tests.integration.eval_helpers import result_lines, rows, run_cli, write_config

REPO = Path(__file__).resolve().parents[2]
ITEMS = 20


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_a_killed_run_resumes_without_losing_or_repeating_items(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path)
    data = write_pairs(tmp_path / "pairs.jsonl", ITEMS, jsonl=True)
    out = tmp_path / "run"
    argv = ["--config", str(config), "eval", "pairwise", str(data), "--backend", "slow_ok",
            "--concurrency", "2", "--out", str(out), "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "EVAL_JUDGE_DELAY_S": "0.1"}
    child = subprocess.Popen([sys.executable, "-m", "apps.cli.main", *argv], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _lines(out / "results.jsonl") < 5 and child.poll() is None:
        assert time.monotonic() < deadline, "the child wrote no results"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    before = result_lines(out)
    assert 5 <= len(before) < ITEMS, child.stderr.read().decode() if child.stderr else ""

    code, _, _ = run_cli(capsys, *argv, "--resume")
    assert code == 0
    after = result_lines(out)
    assert after[: len(before)] == before  # the first session's results are kept as written
    ids = Counter(line["item_id"] for line in after)
    assert set(ids) == {f"item-{i}" for i in range(ITEMS)} and set(ids.values()) == {1}
    assert len({line["session"] for line in after}) == 2
    assert rows(out)[("default", "slow_ok")]["items"] == ITEMS
    assert rows(out)[("default", "slow_ok")]["accuracy_pct"] == 100.0


def test_resume_with_retry_errors_redoes_only_the_failed_items(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path)
    data = write_pairs(tmp_path / "pairs.json", 5)
    out = tmp_path / "run"
    base = ["--config", str(config), "eval", "pairwise", str(data), "--out", str(out),
            "--no-progress", "--backend", "broken"]
    run_cli(capsys, *base)
    run_cli(capsys, *base, "--resume")
    assert len(result_lines(out)) == 5  # nothing pending: nothing run again
    run_cli(capsys, *base, "--resume", "--retry-errors")
    lines = result_lines(out)
    assert len(lines) == 6 and lines[-1]["item_id"] == "item-2"
    assert rows(out)[("default", "broken")]["items"] == 5
