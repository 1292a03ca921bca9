"""With ``[access]`` off a turn looks nobody up: no trip to a thread for the principal (under
a crowd of users each trip also waits for a free thread and core)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backends.scripted import FunctionLLM, Reply
from bot.app import Bot
from config import load_settings
from contracts.events import Done


def test_access_off_asks_no_thread_for_the_principal(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(data_dir=tmp_path, tools=[])
    assert not settings.access.enabled
    bot = Bot.from_settings(settings, llms={"primary": FunctionLLM(lambda _: Reply(text="hi"))})
    looked_up: list[str] = []
    monkeypatch.setattr(bot.turns.principals, "for_turn",
                        lambda key, *_: looked_up.append(key))

    async def turn() -> list[object]:
        events = [e async for e in bot.session("k").send("hello")]
        await bot.aclose()
        return events

    events = asyncio.run(turn())
    assert isinstance(events[-1], Done) and events[-1].text == "hi"
    assert looked_up == []
