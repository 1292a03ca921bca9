"""`bot serve slack` as a user runs it: two tokens in the environment, a working bot, clean exit."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN, BOT_USER, FakeSlack, event_body

ROOT = Path(__file__).resolve().parents[2]


async def test_bot_serve_slack_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")} | {
        "BOT_SLACK__BOT_TOKEN": BOT_TOKEN, "BOT_SLACK__APP_TOKEN": APP_TOKEN,
        "BOT_SLACK__API_URL": fake.api_url, "BOT_DATA_DIR": str(tmp_path),
        "BOT_ROLES__PRIMARY": "echo", "BOT_TOOLS": "[]", "BOT_LOG__LEVEL": "info",
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "apps.cli.main", "serve", "slack", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_connected(timeout=60)
        ts = "1600000000.000100"
        event: dict[str, Any] = {"type": "app_mention", "user": "U0ALICE", "ts": ts,
                                 "text": f"<@{BOT_USER}> ping", "channel": "C0GENERAL"}
        await fake.push(event_body(event))
        await fake.wait_for(lambda: any(m.text == "You said: ping" and not m.streaming
                                        for m in fake.thread("C0GENERAL", ts)), timeout=30)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert BOT_TOKEN not in err.decode() and APP_TOKEN not in err.decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await fake.close()


async def test_bot_serve_slack_without_tokens_names_the_fix(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")} | {
        "BOT_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "apps.cli.main", "serve", "slack", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert "slack.bot_token" in err.decode() and "BOT_SLACK__BOT_TOKEN" in err.decode()
    assert "Traceback" not in err.decode()
