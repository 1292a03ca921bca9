"""A client no one here wrote: pydantic-ai's ``OpenAIResponsesModel`` talks to ``bot serve api``.

An agent framework speaks the Responses API its own way: the whole history as input items
(assistant answers as ``output_text`` parts), streamed or not. The bot must answer it as it
answers the ``openai`` SDK, with its sources in the text and the conversation kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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

pytest.importorskip("pydantic_ai")
ANSWER = "Create the app from the manifest [1]."
LOOKUP = FakeReply(tool_calls=[FakeToolCall("handbook", {"query": "slack"})], usage=(40, 9))
CITED = FakeReply(text=ANSWER, usage=(60, 11))
SOURCES = "Sources:\n- [1] docs/slack.md — Setup"


@pytest.fixture
def url(openai_server: FakeOpenAI, data_dir: Path) -> Iterator[str]:
    settings = api_settings(openai_settings(data_dir, openai_server))
    bot = Bot.from_settings(settings, tools={"handbook": HandbookLookup()})
    with serving(bot) as base:
        yield base


def agent_for(url: str):  # type: ignore[no-untyped-def]
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIResponsesModel
    from pydantic_ai.providers.openai import OpenAIProvider

    provider = OpenAIProvider(base_url=url, api_key=KEY)
    return Agent(OpenAIResponsesModel("bot", provider=provider),
                 instructions="Answer briefly.")


def test_an_agent_gets_the_cited_answer_then_continues_with_its_history(
    url: str, openai_server: FakeOpenAI
) -> None:
    openai_server.reply(LOOKUP, CITED, "Set the bot token and the app token.")
    agent = agent_for(url)
    first = agent.run_sync("How do I connect Slack?")
    assert first.output == f"{ANSWER}\n\n{SOURCES}"
    assert first.usage.input_tokens == 100
    second = agent.run_sync("Which tokens?", message_history=first.all_messages())
    assert second.output == "Set the bot token and the app token."
    seen = [(m["role"], m["content"]) for m in openai_server.chat_requests[-1].messages
            if m["role"] != "system"]
    assert seen == [("user", "How do I connect Slack?"), ("assistant", ANSWER),
                    ("user", "Which tokens?")]


def test_an_agent_streams_the_answer(url: str, openai_server: FakeOpenAI) -> None:
    import asyncio

    openai_server.reply(LOOKUP, CITED)
    agent = agent_for(url)

    async def streamed() -> list[str]:
        async with agent.run_stream("How do I connect Slack?") as run:
            return [text async for text in run.stream_text(delta=True)]

    pieces = asyncio.run(streamed())
    assert "".join(pieces) == f"{ANSWER}\n\n{SOURCES}"
