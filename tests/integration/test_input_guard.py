"""What a user may send: size bounded with a clear message, control characters stripped,
empty input ignored — through the Session API and the terminal presenter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from backends.scripted import ScriptedLLM
from config import Settings, load_settings
from contracts.events import Done, Error, Event

REPO = Path(__file__).resolve().parents[2]
KEY = "stdio:guard"


async def send(bot: Any, text: str) -> list[Event]:
    return [event async for event in bot.session(KEY).send(text)]


def model_of(bot: Any) -> ScriptedLLM:
    llm = bot.models.for_role("primary")
    assert isinstance(llm, ScriptedLLM)
    return llm


async def test_a_message_over_8000_characters_is_refused_with_a_clear_message(
    make_bot: Any,
) -> None:
    bot = make_bot("never sent")
    events = await send(bot, "a" * 8001)
    error, done = events
    assert isinstance(error, Error) and not error.retryable
    assert "8,001 characters" in error.message and "limit is 8,000" in error.message
    assert isinstance(done, Done) and done.turn_id is None
    assert model_of(bot).requests == [] and await bot.session(KEY).history() == []


async def test_a_message_of_exactly_the_limit_is_answered(make_bot: Any) -> None:
    bot = make_bot("Read it all.")
    events = await send(bot, "b" * 8000)
    assert isinstance(events[-1], Done) and events[-1].text == "Read it all."
    assert model_of(bot).requests[0].messages[-1].content == "b" * 8000


async def test_the_limit_is_configurable(make_bot: Any, data_dir: Path) -> None:
    small: Settings = load_settings(data_dir=data_dir, tools=[], input={"max_chars": 20})
    bot = make_bot("Short enough.", settings_=small)
    refused = await send(bot, "x" * 21)
    assert isinstance(refused[0], Error) and "limit is 20" in refused[0].message
    answered = await send(bot, "x" * 20)
    assert isinstance(answered[-1], Done) and answered[-1].text == "Short enough."


async def test_control_characters_and_terminal_escapes_are_stripped(make_bot: Any) -> None:
    bot = make_bot("Clean.")
    await send(bot, "  \x1b[31mred\x1b[0m text\x00 with\x07 bell\x7f\r\nnext\tline\x9b  ")
    cleaned = "red text with bell\nnext\tline"
    assert model_of(bot).requests[0].messages[-1].content == cleaned
    assert [t.text for t in await bot.session(KEY).history()] == [cleaned, "Clean."]


async def test_empty_or_blank_input_is_ignored(make_bot: Any) -> None:
    bot = make_bot("never sent")
    for blank in ("", "   ", "\n\t\n", "\x00\x1b[0m\x07"):
        assert await send(bot, blank) == []
    assert model_of(bot).requests == [] and await bot.session(KEY).history() == []


def test_the_terminal_refuses_a_long_line_and_keeps_chatting(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(
        'tools = []\n[input]\nmax_chars = 30\n[roles]\nprimary = "demo"\n'
        '[profiles.demo]\nkind = "scripted"\nreplies = ["First answer.", "Second answer."]\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO))
    stdin = "y" * 31 + "\n\x00\x07\nshort one\n"
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "chat"], input=stdin,
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    refusal, answer = run.stdout.strip().splitlines()
    assert "31 characters; the limit is 30" in refusal and "error id" not in answer
    assert answer == "First answer."  # the blank line reached no model
