"""``Session.send(…, whole=True)``: the same turn, its model calls asked for whole replies.

A backend that streams anyway (here the scripted one, which records every request) answers as
always, so the events, the stored turns and the usage are those of a streamed turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import load_settings
from contracts.events import Event

CALC = Reply(tool_calls=[ScriptedToolCall(name="calculator", arguments={"expression": "6*7"})])


async def turn(tmp_path: Path, whole: bool) -> tuple[list[Event], ScriptedLLM, list[Any]]:
    """One turn with a tool step; its events, the model, and the stored turns."""
    llm = ScriptedLLM([CALC, Reply(text="It is 42.")])
    bot = Bot.from_settings(load_settings(data_dir=tmp_path / str(whole), tools=["calculator"],
                                          agent="tools"),
                            llms={"primary": llm})  # type: ignore[dict-item]
    try:
        events = [e async for e in bot.session("stdio:whole").send("6 times 7?", whole=whole)]
        stored = [(t.role, t.text, t.input_tokens, t.output_tokens)
                  for t in bot.store.history("stdio:whole")]
    finally:
        await bot.aclose()
    return events, llm, stored


def same(events: list[Event]) -> list[tuple[str, Any]]:
    """The events less what differs between any two turns (ids, times)."""
    drop = {"turn_id", "latency_s", "ttft_s", "id", "error_id"}
    return [(type(e).__name__, e.model_dump(exclude=drop)) for e in events]


async def test_a_whole_turn_asks_every_model_call_whole_and_yields_the_same_events(
    tmp_path: Path,
) -> None:
    events, llm, stored = await turn(tmp_path, whole=True)
    streamed, plain_llm, plain_stored = await turn(tmp_path, whole=False)
    assert [r.whole for r in llm.requests] == [True, True]
    assert [r.whole for r in plain_llm.requests] == [False, False]
    assert same(events) == same(streamed)
    assert stored == plain_stored and stored[-1][1] == "It is 42."
