"""Logs: one JSON `turn` line per turn with the figures, and no secret in any of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SECRET = "sk-fake-LOGSCAN-0123456789abcdef"


def test_one_turn_line_per_turn_in_json_and_no_secret(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(
        '[roles]\nprimary = "demo"\n[profiles.demo]\nkind = "scripted"\n'
        'replies = ["Hello there."]\nprice_in = 1.0\n'
        f'[profiles.broken]\nkind = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n'
        f'api_key = "{SECRET}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), BOT_LOG__LEVEL="debug")
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "ask", "hi"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stderr.splitlines() if line.startswith("{")]
    turns = [line for line in lines if line["event"] == "turn"]
    assert len(turns) == 1
    turn = turns[0]
    assert turn["session"].startswith("stdio:") and turn["backend"] == "demo"
    assert turn["output_tokens"] == 2 and turn["input_tokens"] > 0
    assert {"latency_s", "ttft_s", "cost_usd", "model"} <= set(turn)
    assert SECRET not in run.stdout + run.stderr
