"""The terminal presenter as a user meets it: whole transcripts through the real `bot` CLI."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from contracts.store import AssistantTurn
from stores import open_store

BOT = [sys.executable, "-m", "apps.cli.main"]
SCRIPTED = """
tools = ["calculator"]
[roles]
primary = "demo"
[profiles.demo]
kind = "scripted"
replies = [{replies}]
"""


def configure(tmp_path: Path, *replies: str, latency: float = 0.0) -> dict[str, str]:
    quoted = ", ".join(f'"{r}"' for r in replies)
    text = SCRIPTED.format(replies=quoted) + f"latency_s = {latency}\n"
    (tmp_path / "bot.toml").write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["BOT_DATA_DIR"] = str(tmp_path / "data")
    return env


def chat(
    tmp_path: Path, env: dict[str, str], stdin: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOT, "chat", *args], input=stdin, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60)


def test_piped_transcript_is_exact(tmp_path: Path) -> None:
    env = configure(tmp_path, "Hello! How can I help?", "It is 4.")
    run = chat(tmp_path, env, "hello\n/history\nWhat is 2+2?\n\n/quit\nnever sent\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "Hello! How can I help?\n"
        "you: hello\n"
        "bot: Hello! How can I help?\n"
        "It is 4.\n"
    )


def test_echo_question_answers_and_exits_0(tmp_path: Path) -> None:
    env = configure(tmp_path, "Paris.")
    run = chat(tmp_path, env, "What is the capital of France?\n")
    assert (run.returncode, run.stdout) == (0, "Paris.\n")


def test_session_name_continues_a_conversation_across_runs(tmp_path: Path) -> None:
    env = configure(tmp_path, "First answer.", "Second answer.")
    chat(tmp_path, env, "first question\n", "--session", "work")
    run = chat(tmp_path, env, "/history\n/reset\n/history\n", "--session", "work")
    assert run.stdout == (
        "you: first question\nbot: First answer.\n(new conversation)\n(no messages yet)\n"
    )


def test_conversations_stored_under_the_old_stdio_key_still_load(tmp_path: Path) -> None:
    env = configure(tmp_path, "unused")
    store = open_store(None, tmp_path / "data")
    store.add_user_turn("stdio:work", "kept question")
    store.add_assistant_turn("stdio:work", AssistantTurn(text="kept answer"))
    store.close()
    run = chat(tmp_path, env, "/history\n", "--session", "work")
    assert run.stdout == "you: kept question\nbot: kept answer\n"


def test_ask_prints_the_answer_and_stats(tmp_path: Path) -> None:
    env = configure(tmp_path, "Forty-two.")
    run = subprocess.run([*BOT, "ask", "--stats", "the", "answer?"], capture_output=True,
                         text=True, cwd=tmp_path, env=env, timeout=60)
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "Forty-two."
    assert lines[1].startswith("[") and "out tokens" in lines[1] and "demo/" in lines[1]


def test_backend_command_shows_and_switches_profiles(tmp_path: Path) -> None:
    env = configure(tmp_path, "Hi.")
    run = chat(tmp_path, env, "/backend\n/backend echo\nhello there\n/backend nosuch\n")
    lines = run.stdout.splitlines()
    assert lines[0] == "primary       demo (scripted)"
    assert "primary       echo (function)" in lines
    assert "You said: hello there" in lines
    assert any(line.startswith("no profile named 'nosuch'") for line in lines)


def own_terminal() -> None:
    """Make the pty the child's controlling terminal, so Ctrl-C there sends it SIGINT."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def read_until(fd: int, needle: str, timeout: float = 30) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} never appeared; got {seen!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 4096).decode(errors="replace")
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pty")
def test_ctrl_c_stops_the_answer_and_keeps_the_session(tmp_path: Path) -> None:
    long_answer = " ".join(f"word{i}" for i in range(200))
    env = configure(tmp_path, long_answer, "Still here.", latency=0.05)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*BOT, "chat", "--session", "tty"], stdin=follower, stdout=follower,
                            stderr=follower, cwd=tmp_path, env=env, preexec_fn=own_terminal)
    os.close(follower)
    try:
        read_until(leader, "you> ")
        os.write(leader, b"tell me a long story\r")
        read_until(leader, "word3")
        os.write(leader, b"\x03")
        read_until(leader, "(interrupted)")
        os.write(leader, b"are you there?\r")
        read_until(leader, "Still here.")
        os.write(leader, b"/history\r")
        history = read_until(leader, "bot: Still here.")
        assert "(interrupted)" in history
        os.write(leader, b"\x04")
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        os.close(leader)
