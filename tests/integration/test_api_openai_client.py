"""The real ``openai`` client (sync and async, streaming and not) against ``bot serve api``.

The bot's own model is the fake OpenAI server of the suite, so ``usage`` must come from a
real backend's numbers; a tool that returns a cited passage gives the turn sources and a step.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from bot.app import Bot
from tests.conformance.conversation import HandbookLookup
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, api_settings, serving

QUESTION = [{"role": "user", "content": "How do I connect it to Slack?"}]
ANSWER = "Create the app from the manifest [1]."
LOOKUP = FakeReply(tool_calls=[FakeToolCall("handbook", {"query": "slack"})], usage=(40, 9))
CITED = FakeReply(text=ANSWER, usage=(60, 11))
SOURCES = "Sources:\n- [1] docs/slack.md — Setup"


@pytest.fixture
def api(openai_server: FakeOpenAI, data_dir: Path) -> Iterator[tuple[str, Bot]]:
    """The API over a bot whose model is the fake server and whose one tool cites a passage."""
    settings = api_settings(openai_settings(data_dir, openai_server))
    bot = Bot.from_settings(settings, tools={"handbook": HandbookLookup()})
    with serving(bot) as url:
        yield url, bot


def extra(obj: Any) -> dict[str, Any]:
    """The ``bot`` field the SDK keeps as an extra attribute of a message or delta."""
    return dict(obj.model_extra["bot"])


def test_a_whole_answer_carries_sources_steps_and_the_turns_real_usage(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply(LOOKUP, CITED)
    client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0)
    completion = client.chat.completions.create(model="bot", messages=QUESTION)
    message = completion.choices[0].message
    assert message.content == f"{ANSWER}\n\n{SOURCES}"
    turn = extra(message)
    assert turn["answer"] == ANSWER
    assert [s["source"] for s in turn["sources"]] == ["docs/slack.md"]
    assert [(s["name"], s["arguments"], s["failed"]) for s in turn["steps"]] == [
        ("handbook", {"query": "slack"}, False)]
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (100, 20)
    stored = bot.store.turn(turn["turn_id"])
    assert stored is not None and (stored.input_tokens, stored.output_tokens) == (100, 20)


def test_a_stream_adds_up_to_the_same_text_and_ends_with_usage_when_asked(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, _ = api
    client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0)
    openai_server.reply(LOOKUP, CITED)
    chunks = list(client.chat.completions.create(
        model="bot", messages=QUESTION, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == f"{ANSWER}\n\n{SOURCES}"
    events = [extra(c.choices[0].delta)["event"]["kind"] for c in chunks
              if c.choices and "bot" in (c.choices[0].delta.model_extra or {})
              and "event" in extra(c.choices[0].delta)]
    assert [k for k in events if k in ("tool_call", "tool_result", "sources", "usage")] == [
        "tool_call", "tool_result", "sources", "usage"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == 120
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finish) == 1 and extra(finish[0].choices[0].delta)["turn"]["answer"] == ANSWER

    openai_server.reply("Plain.")
    plain = list(client.chat.completions.create(model="bot", messages=QUESTION, stream=True))
    assert all(c.usage is None and c.choices for c in plain)


async def test_the_async_client_streams_and_waits_alike(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, _ = api
    client = openai.AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0)
    try:
        openai_server.reply("Streamed answer.", "Whole answer.")
        stream = await client.chat.completions.create(
            model="bot", messages=QUESTION, stream=True, extra_headers={"X-Bot-Conversation": "a"})
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        whole = await client.chat.completions.create(
            model="bot", messages=QUESTION, extra_headers={"X-Bot-Conversation": "b"})
    finally:
        await client.close()
    assert text == "Streamed answer."
    assert whole.choices[0].message.content == "Whole answer."


def test_the_bot_is_the_one_model_listed(api: tuple[str, Bot]) -> None:
    url, _ = api
    client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0)
    assert [m.id for m in client.models.list()] == ["bot"]
    assert client.models.retrieve("bot").id == "bot"
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("gpt-4o")
    assert caught.value.code == "model_not_found"
