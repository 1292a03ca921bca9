"""``bot serve gradio`` as a user runs it: a real process, a page, an answer, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.integration.gradio_helpers import answers, chat, client, free_port, wait_for


def page_up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_bot_serve_gradio_serves_a_page_that_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env |= {"BOT_DATA_DIR": str(tmp_path), "BOT_GRADIO__TITLE": "Smoke bot",
            "BOT_TOOLS": "[]", "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "apps.cli.main", "--primary", "echo", "serve", "gradio",
         "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        if not wait_for(lambda: page_up(url) or proc.poll() is not None, timeout_s=120) \
                or proc.poll() is not None:
            pytest.fail(f"bot serve gradio did not start: {proc.communicate(timeout=10)[0]}")
        assert "Smoke bot" in httpx.get(url, timeout=10).text
        messages, _ = chat(client(url), "hello from a script")
        assert answers(messages) == ["You said: hello from a script"]
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    # The Bot was closed: the store's last connection checkpointed and removed its WAL file.
    assert (tmp_path / "bot.sqlite3").is_file() and not (tmp_path / "bot.sqlite3-wal").exists()
