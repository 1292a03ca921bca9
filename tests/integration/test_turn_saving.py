"""Saving a turn's answer: a stopped turn never blocks the event loop, and an answer the
store could not save is still charged to its budgets. A real SQLite store underneath; the
wrapper only makes one of its calls wait, or fail, the way a locked or broken database does.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from backends.scripted import Reply, ScriptedLLM
from bot.app import Bot
from config import load_settings
from contracts.events import Error, TextDelta
from stores import open_store

KEY = "stdio:saving"
RELEASE_AFTER_S = 30.0  # only a broken build waits this long: the save blocks the loop


class SlowSaves:
    """A real store whose answer saves wait until released (a lock held elsewhere)."""

    def __init__(self, data_dir: Path) -> None:
        self.real = open_store(None, data_dir)
        self.entered, self.release = threading.Event(), threading.Event()
        self.waited = threading.Event()

    def add_assistant_turn(self, *args: Any, **kwargs: Any) -> int:
        self.entered.set()
        self.release.wait(RELEASE_AFTER_S)
        self.waited.set()
        return int(self.real.add_assistant_turn(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class FailingSaves(SlowSaves):
    def add_assistant_turn(self, *args: Any, **kwargs: Any) -> int:
        raise OSError("disk I/O error")


async def test_a_stopped_turn_saves_off_the_event_loop(tmp_path: Path) -> None:
    store = SlowSaves(tmp_path)
    slow = Reply(text="word " * 200, chunk_chars=5, delay_s=0.01)
    bot = Bot.from_settings(load_settings(data_dir=tmp_path, tools=[]),
                            llms={"primary": ScriptedLLM([slow])}, store=store)  # type: ignore[arg-type]
    started = asyncio.Event()

    async def read() -> None:
        async for event in bot.session(KEY).send("long answer please"):
            if isinstance(event, TextDelta):
                started.set()

    reader = asyncio.create_task(read())
    await started.wait()
    reader.cancel()  # the client went away
    await asyncio.to_thread(store.entered.wait, 60)
    loop_ran = await asyncio.create_task(_while_saving(store))
    assert loop_ran, "the event loop was blocked while the stopped turn was saved"
    store.release.set()
    await asyncio.gather(reader, return_exceptions=True)
    answer = store.real.history(KEY)[-1]
    assert answer.role == "assistant" and answer.interrupted
    await bot.aclose()


async def _while_saving(store: SlowSaves) -> bool:
    """Runs on the loop; True when it ran while the save was still waiting."""
    return not store.waited.is_set()


async def test_an_answer_that_could_not_be_saved_is_still_charged(tmp_path: Path) -> None:
    store = FailingSaves(tmp_path)
    settings = load_settings(data_dir=tmp_path, tools=[],
                             budgets={"user": {"tokens_per_day": 5}, "hold_tokens": 0})
    bot = Bot.from_settings(settings, llms={"primary": ScriptedLLM(default="A long answer.")},
                            store=store)  # type: ignore[arg-type]
    first = [e async for e in bot.session(KEY).send("first question", user="ada")]
    assert not any(isinstance(e, Error) for e in first)
    second = [e async for e in bot.session(KEY).send("second question", user="ada")]
    refusals = [e for e in second if isinstance(e, Error) and e.reason == "budget"]
    assert refusals, "the first answer's tokens were never charged"
    await bot.aclose()
