"""Issue 2: the ``openai`` kind driven by the real agent graph through Session, on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from pathlib import Path
from typing import Any, cast

import pytest

from bot.app import Bot
from contracts.events import Done, Error, Event, TextDelta, ToolCall, ToolResult, Usage
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)


@pytest.fixture
async def bot(openai_server: FakeOpenAI, data_dir: Path) -> AsyncIterator[Bot]:
    made = Bot.from_settings(openai_settings(data_dir, openai_server))
    yield made
    await made.aclose()


async def collect(bot: Bot, text: str, key: str = "test:openai") -> list[Event]:
    return [e async for e in bot.session(key).send(text)]


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_the_answer_streams_as_text_deltas(bot: Bot, openai_server: FakeOpenAI) -> None:
    openai_server.reply(FakeReply(text="Paris is the capital of France.", chunk_chars=3))
    events = await collect(bot, "What is the capital of France?")
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) == 11 and text_of(events) == "Paris is the capital of France."
    done = events[-1]
    assert isinstance(done, Done) and done.text == "Paris is the capital of France."
    sent = openai_server.chat_requests[0].messages
    assert sent[-1] == {"role": "user", "content": "What is the capital of France?"}


async def test_a_tool_call_split_across_chunks_is_run_by_the_agent(
    bot: Bot, openai_server: FakeOpenAI
) -> None:
    call = FakeToolCall("calculator", {"expression": "17 * 23"}, id="call_17", pieces=6)
    openai_server.reply(FakeReply(tool_calls=[call]), "17 times 23 is 391.")
    events = await collect(bot, "What is 17 times 23?")
    shown = next(e for e in events if isinstance(e, ToolCall))
    result = next(e for e in events if isinstance(e, ToolResult))
    assert (shown.name, shown.arguments) == ("calculator", {"expression": "17 * 23"})
    assert result.content == "17 * 23 = 391" and not result.is_error
    assert text_of(events) == "17 times 23 is 391."
    second = openai_server.chat_requests[1].messages
    assert second[-2]["tool_calls"][0]["id"] == "call_17"
    assert second[-1] == {"role": "tool", "tool_call_id": "call_17", "content": "17 * 23 = 391"}
    offered = {t["function"]["name"] for t in openai_server.chat_requests[0].body["tools"]}
    assert offered == {"calculator", "clock"}


async def test_usage_and_cost_reach_the_event_and_the_store(
    bot: Bot, openai_server: FakeOpenAI
) -> None:
    openai_server.reply(FakeReply(text="Short answer.", usage=(1000, 200)))
    events = await collect(bot, "Hi")
    usage = next(e for e in events if isinstance(e, Usage))
    expected_cost = (1000 * 0.15 + 200 * 0.60) / 1_000_000
    assert (usage.input_tokens, usage.output_tokens) == (1000, 200)
    assert usage.cost_usd == pytest.approx(expected_cost)
    assert (usage.backend, usage.model) == ("fake", "fake-model")
    assert usage.ttft_s is not None and usage.latency_s >= usage.ttft_s
    answer = (await bot.session("test:openai").history())[-1]
    assert (answer.role, answer.text, answer.backend) == ("assistant", "Short answer.", "fake")
    assert (answer.input_tokens, answer.output_tokens) == (1000, 200)
    assert answer.cost_usd == pytest.approx(expected_cost)


@pytest.mark.parametrize(("mode", "says", "retryable"), [
    ("bad_request", "rejected the request", False),
    ("auth", "rejected our credentials", False),
    ("server_error", "server had an error", True),
    ("unavailable", "server had an error", True),
])
async def test_4xx_and_5xx_become_a_polite_error_event(
    bot: Bot, openai_server: FakeOpenAI, mode: Any, says: str, retryable: bool
) -> None:
    openai_server.fail(mode)
    events = await collect(bot, "Hello?")
    error = next(e for e in events if isinstance(e, Error))
    assert says in error.message and error.error_id in error.message
    assert error.retryable is retryable and "Traceback" not in error.message
    assert "fake " + mode not in error.message  # the upstream body is never shown
    user, answer = (await bot.session("test:openai").history())[-2:]
    assert (user.role, user.text) == ("user", "Hello?")
    assert (answer.role, answer.error_id, answer.text) == ("assistant", error.error_id, "")
    assert isinstance(events[-1], Done) and events[-1].turn_id == answer.id


async def test_stopping_an_answer_closes_the_http_stream_and_keeps_what_was_shown(
    bot: Bot, openai_server: FakeOpenAI
) -> None:
    openai_server.chunk_delay_s = 0.02
    openai_server.reply(FakeReply(text="word " * 200))
    shown = ""
    answer_stream = cast(AsyncGenerator[Event, None], bot.session("test:openai").send("Talk"))
    async with aclosing(answer_stream) as events:
        async for event in events:
            if isinstance(event, TextDelta):
                shown += event.text
                break  # the user pressed Stop
    for _ in range(250):  # the server notices on its next write
        if openai_server.closed_early:
            break
        await asyncio.sleep(0.02)
    assert openai_server.closed_early == 1
    answer = (await bot.session("test:openai").history())[-1]
    assert (answer.role, answer.text, answer.interrupted) == ("assistant", shown, True)
