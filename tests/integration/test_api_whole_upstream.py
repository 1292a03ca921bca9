"""A client that asks for a whole answer (``stream: false``) gets it from one non-streamed call
to the model; a streamed request still streams from it. The answer, usage and stored turns
are the same either way (``Session.send(…, whole=True)``, ``LLMRequest.whole``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from bot.app import Bot
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, api_settings, serving

ASK = [{"role": "user", "content": "What is 6 times 7?"}]
CALC = FakeReply(tool_calls=[FakeToolCall("calculator", {"expression": "6*7"})], usage=(40, 9))
SAID = FakeReply(text="It is 42.", usage=(60, 11))


@pytest.fixture
def api(openai_server: FakeOpenAI, data_dir: Path) -> Iterator[tuple[str, Bot]]:
    """The API over a bot whose model is the fake server (tools: clock and calculator)."""
    bot = Bot.from_settings(api_settings(openai_settings(data_dir, openai_server)))
    with serving(bot) as url:
        yield url, bot


def ask(url: str, conversation: str, **options: Any) -> Any:
    client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0)
    return client.chat.completions.create(model="bot", messages=ASK, **options,
                                          extra_headers={"X-Bot-Conversation": conversation})


def stored_turns(bot: Bot, conversation: str) -> list[tuple[Any, ...]]:
    """The conversation as stored: role, text, tokens, cost, backend."""
    keys = bot.store.keys()  # a store's method: not a dict
    key = next(k for k in keys if k.endswith(conversation))
    return [(t.role, t.text, t.input_tokens, t.output_tokens, t.cost_usd, t.backend)
            for t in bot.store.history(key)]


def test_a_whole_answer_is_asked_upstream_whole_and_is_what_a_stream_gives(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply(CALC, SAID, CALC, SAID)
    whole = ask(url, "whole")
    streamed = list(ask(url, "streamed", stream=True, stream_options={"include_usage": True}))
    bodies = [r.body for r in openai_server.chat_requests]
    assert [b["stream"] for b in bodies] == [False, False, True, True]
    assert all("stream_options" not in b for b in bodies[:2])
    assert bodies[1]["messages"][-1]["role"] == "tool"  # the tool loop ran on whole replies
    text = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)
    assert whole.choices[0].message.content == text == "It is 42."
    assert whole.usage is not None and streamed[-1].usage is not None
    assert whole.usage.model_dump() == streamed[-1].usage.model_dump()
    assert (whole.usage.prompt_tokens, whole.usage.completion_tokens) == (100, 20)
    assert stored_turns(bot, "whole") == stored_turns(bot, "streamed")
    assert stored_turns(bot, "whole")[-1][1:] == ("It is 42.", 100, 20, 27e-6, "fake")


def test_the_users_turn_is_stored_before_the_whole_call(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    asked_with: list[list[str]] = []

    def answer(body: dict[str, Any]) -> FakeReply:
        keys = bot.store.keys()
        asked_with.extend([t.text for k in keys for t in bot.store.history(k)])
        return FakeReply(text="Stored first.")

    openai_server.respond = answer
    assert ask(url, "order").choices[0].message.content == "Stored first."
    assert asked_with == [ASK[0]["content"]]


def test_a_failed_whole_call_is_retried_then_an_error_with_its_id(
    data_dir: Path, openai_server: FakeOpenAI
) -> None:
    settings = api_settings(openai_settings(data_dir, openai_server, max_retries=1))
    with serving(Bot.from_settings(settings)) as url:
        openai_server.fail("unavailable", times=1)
        openai_server.reply("After one retry.")
        assert ask(url, "retried").choices[0].message.content == "After one retry."
        openai_server.fail("bad_request", times=1)
        with pytest.raises(openai.APIStatusError) as caught:
            ask(url, "failed")
    assert [r.body["stream"] for r in openai_server.chat_requests] == [False] * 3
    assert caught.value.status_code == 502 and caught.value.response.headers["x-bot-error-id"]


def test_a_whole_response_of_the_responses_api_is_asked_upstream_whole(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, _ = api
    openai_server.reply("Whole.", "Streamed.")
    client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0)
    assert client.responses.create(model="bot", input="Hi").output_text == "Whole."
    with client.responses.stream(model="bot", input="Hi again") as stream:
        assert stream.get_final_response().output_text == "Streamed."
    assert [r.body["stream"] for r in openai_server.chat_requests] == [False, True]
