"""`bot config check` gives each profile in use a verdict, against a real local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAI

CONFIG = """
[roles]
primary = "mine"
router = "{router}"
[profiles.mine]
kind = "openai"
base_url = "{url}"
model = "{model}"
api_key = "{key}"
[profiles.demo]
kind = "scripted"
replies = ["hi"]
[profiles.nowhere]
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
model = "m"
timeout_s = 2
"""


def check(tmp_path: Path, **values: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "bot.toml").write_text(CONFIG.format(**values))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    return subprocess.run([sys.executable, "-m", "apps.cli.main", "config", "check"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


def test_every_profile_in_use_gets_a_verdict(tmp_path: Path) -> None:
    with FakeOpenAI(api_key="sk-right-key-123456") as server:
        good = check(tmp_path, url=server.base_url, model=server.model,
                     key="sk-right-key-123456", router="demo")
        wrong_key = check(tmp_path, url=server.base_url, model=server.model,
                          key="sk-wrong-key-123456", router="demo")
        unknown_model = check(tmp_path, url=server.base_url, model="no-such-model",
                              key="sk-right-key-123456", router="nowhere")
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.splitlines()[0].startswith("[ok] mine")
    assert any(line.startswith("[ok] demo") for line in good.stdout.splitlines())
    assert wrong_key.returncode == 1 and wrong_key.stdout.startswith("[fail] mine")
    assert "sk-wrong" not in wrong_key.stdout + wrong_key.stderr
    lines = unknown_model.stdout.splitlines()
    assert unknown_model.returncode == 1
    assert lines[0].startswith("[fail] mine") and "no-such-model" in lines[0]
    assert any(line.startswith("[fail] nowhere") for line in lines)
