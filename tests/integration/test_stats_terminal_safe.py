"""``bot stats`` prints names that came from outside without letting them drive the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.cli.main import main
from contracts.store import AssistantTurn
from stores import open_store

HOSTILE = "eve\x1b]0;owned\x07\x1b[2J\u202e"


def test_a_user_id_with_terminal_escapes_is_printed_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(None, tmp_path)
    store.add_user_turn("api:alice:x", "hello", HOSTILE, "api:alice")
    store.add_assistant_turn("api:alice:x", AssistantTurn(text="hi", user=HOSTILE, model="m",
                                                          latency_s=0.1))
    store.close()
    assert main(["--data-dir", str(tmp_path), "stats", "--by", "user"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "eve\\x1b]0;owned\\x07\\x1b[2J\\u202e" in out
