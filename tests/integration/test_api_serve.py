"""``bot serve api`` as an operator runs it: a real process, an answer, Ctrl-C; refusals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest

from tests.integration.gradio_helpers import free_port, wait_for

KEY = "sk-serve-test-0123456789"


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    return env | {"BOT_DATA_DIR": str(tmp_path), "BOT_TOOLS": "[]", **extra}


def up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_bot_serve_api_answers_the_openai_client_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "apps.cli.main", "--primary", "echo", "serve", "api", "--port",
         str(port)], cwd=tmp_path, env=bot_env(tmp_path, BOT_API__KEYS__CI=KEY),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for(lambda: up(url) or proc.poll() is not None, timeout_s=60) \
                or proc.poll() is not None:
            pytest.fail(f"bot serve api did not start: {proc.communicate(timeout=10)[0]}")
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0)
        done = client.chat.completions.create(
            model="bot", messages=[{"role": "user", "content": "hello from a script"}])
        assert done.choices[0].message.content == "You said: hello from a script"
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, output
    assert "Traceback" not in output and KEY not in output
    assert (tmp_path / "bot.sqlite3").is_file() and not (tmp_path / "bot.sqlite3-wal").exists()


def test_bot_serve_api_without_keys_says_how_to_add_one(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "apps.cli.main", "serve", "api"],
                          cwd=tmp_path, env=bot_env(tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "api.keys is empty" in done.stderr and "BOT_API__KEYS__ALICE" in done.stderr


def test_a_short_key_is_bad_configuration(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "apps.cli.main", "serve", "api"],
                          cwd=tmp_path, env=bot_env(tmp_path, BOT_API__KEYS__CI="short"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "api.keys.ci is shorter than 16 characters" in done.stderr
    assert "short" not in done.stderr.replace("shorter", "")
