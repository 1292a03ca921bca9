"""The real embedded model (SmolLM2-135M-Instruct through llama.cpp), no key, no server."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import Bot
from bot.models import build_backend
from bot.prompts import PromptLibrary
from config import Settings
from contracts.events import Done, TextDelta, Usage
from contracts.llm import LLMRequest, TextChunk, complete
from contracts.messages import ChatMessage

pytestmark = pytest.mark.embedded


@pytest.fixture
async def local_llm() -> Any:
    llm = build_backend("local", Settings(tools=[]).profiles["local"])
    yield llm
    await llm.aclose()


async def test_capital_of_france(local_llm: Any) -> None:
    request = LLMRequest(messages=[ChatMessage.system(PromptLibrary().text("system")),
                                   ChatMessage.user("What is the capital of France?")],
                         temperature=0.0, max_tokens=48)
    reply = await complete(local_llm, request)
    assert "Paris" in reply.text
    assert reply.output_tokens > 0 and reply.input_tokens > 0


async def test_tokens_stream_one_by_one(local_llm: Any) -> None:
    request = LLMRequest(messages=[ChatMessage.user("Count from one to ten.")], max_tokens=40)
    pieces = [c async for c in local_llm.stream(request) if isinstance(c, TextChunk)]
    assert len(pieces) > 5


async def test_a_turn_through_the_session_on_the_default_profile(data_dir: Any) -> None:
    bot = Bot.from_settings(Settings(data_dir=data_dir, tools=[]))
    try:
        events = [e async for e in bot.session("stdio:t").send("What is the capital of France?")]
    finally:
        await bot.aclose()
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    usage = next(e for e in events if isinstance(e, Usage))
    assert "Paris" in text
    assert usage.backend == "local" and usage.model == "SmolLM2-135M-Instruct"
    assert isinstance(events[-1], Done) and events[-1].text == text


async def test_the_calculator_tool_is_called_by_the_small_model(data_dir: Any) -> None:
    bot = Bot.from_settings(Settings(data_dir=data_dir, tools=["calculator"], agent="tools"))
    try:
        events = [e async for e in bot.session("stdio:calc").send("What is 17 times 23?")]
    finally:
        await bot.aclose()
    assert any(getattr(e, "name", "") == "calculator" for e in events)
    assert isinstance(events[-1], Done) and "391" in events[-1].text
