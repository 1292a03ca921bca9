"""The fault matrix as a terminal user meets it: ``bot chat`` / ``bot ask`` as subprocesses,
pointed at the fault-injecting OpenAI server by ``BOT_`` environment variables alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.fakes.openai_server import (
    FakeOpenAI,
    openai_server_fixture,  # noqa: F401
)

BOT = [sys.executable, "-m", "apps.cli.main"]
ERROR_ID = r"\(error id: [0-9a-f]{8}\)"


def environment(server: FakeOpenAI, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({
        "BOT_DATA_DIR": str(tmp_path / "data"), "BOT_TOOLS": '["calculator"]',
        "BOT_ROLES__PRIMARY": "fake", "BOT_PROFILES__FAKE__KIND": "openai",
        "BOT_PROFILES__FAKE__BASE_URL": server.base_url,
        "BOT_PROFILES__FAKE__MODEL": server.model,
        "BOT_PROFILES__FAKE__RETRY_BACKOFF_S": "0.01", **extra,
    })
    return env


def run(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOT, *args], input=stdin, capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=90)


def test_a_transient_failure_is_invisible_in_the_terminal(
    openai_server: FakeOpenAI, tmp_path: Path
) -> None:
    openai_server.fail("unavailable", times=2)
    done = run(["chat"], environment(openai_server, tmp_path), tmp_path, "hello\n")
    assert (done.returncode, done.stdout) == (0, "You said: hello\n")
    assert len(openai_server.chat_requests) == 3 and "Traceback" not in done.stderr


def test_a_cut_answer_shows_the_note_and_retry_completes_it(
    openai_server: FakeOpenAI, tmp_path: Path
) -> None:
    openai_server.fail("cut", times=1, after_chars=8)
    env = environment(openai_server, tmp_path)
    done = run(["chat", "--session", "s1"], env, tmp_path, "hello\n/retry\n/history\n")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert re.fullmatch(
        "Partial \n\n\\(interrupted\\)\n"
        f"Sorry — the answer was cut off. Please try again. {ERROR_ID}\n"
        "You said: hello\n"
        "you: hello\nbot: You said: hello\n", done.stdout), done.stdout
    assert len(openai_server.chat_requests) == 2


def test_a_lasting_failure_is_a_polite_line_and_ask_exits_1(
    openai_server: FakeOpenAI, tmp_path: Path
) -> None:
    openai_server.fail("server_error", times=None)
    env = environment(openai_server, tmp_path, BOT_PROFILES__FAKE__MAX_RETRIES="1")
    done = run(["ask", "hello"], env, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert re.fullmatch(
        f"Sorry — the language model's server had an error. Please try again. {ERROR_ID}\n",
        done.stdout), done.stdout
    assert len(openai_server.chat_requests) == 2
    assert "fake server_error" not in done.stdout  # the upstream body stays in the logs


def test_a_missing_api_key_names_the_variable_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BOT_") and k != "OPENAI_API_KEY"}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), BOT_ROLES__PRIMARY="openai")
    done = run(["ask", "hello"], env, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert "OPENAI_API_KEY" in done.stdout and re.search(ERROR_ID, done.stdout)
