"""``POST /v1/responses`` with the real ``openai`` client: whole, streamed, continued, unstored.

The bot's own model is the suite's fake OpenAI server, so usage is a real backend's numbers;
one tool cites a web page (a ``url_citation``), another a file (a ``file_citation``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from bot.app import Bot
from config import load_settings
from contracts.events import Source
from contracts.run_context import ToolRunContext
from contracts.tools import ToolOutput
from tests.conformance.conversation import HandbookLookup
from tests.conftest import scripted_bot
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, OTHER_KEY, api_settings, serving

PAGE_URL = "https://wiki.example.com/slack-setup"
ANSWER = "Create the app from the manifest [1]."
LOOKUP = FakeReply(tool_calls=[FakeToolCall("wiki", {"query": "slack"})], usage=(40, 9))
FILE_LOOKUP = FakeReply(tool_calls=[FakeToolCall("handbook", {"query": "slack"})],
                        usage=(40, 9))
CITED = FakeReply(text=ANSWER, usage=(60, 11))
SOURCES = "Sources:\n- [1] wiki/slack-setup — Setup"


class WikiArgs(BaseModel):
    query: str


class WikiLookup:
    """A tool whose passage comes from a web page: its source has a URL."""

    name = "wiki"
    description = "Look something up in the wiki."
    Args = WikiArgs

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        page = Source(n=1, source="wiki/slack-setup", title="Slack setup", heading="Setup",
                      score=0.9, text="Create the app from the manifest.", url=PAGE_URL,
                      modified="2026-11-02T09:00:00Z")
        return ToolOutput(content="Found 1 passage.", sources=[page])


@pytest.fixture
def api(openai_server: FakeOpenAI, data_dir: Path) -> Iterator[tuple[str, Bot]]:
    settings = api_settings(openai_settings(data_dir, openai_server))
    bot = Bot.from_settings(settings, tools={"wiki": WikiLookup(),
                                             "handbook": HandbookLookup()})
    with serving(bot) as url:
        yield url, bot


def text_part(response: Any) -> Any:
    """The one output_text part of a response's one message."""
    return response.output[0].content[0]


def turn(response: Any) -> dict[str, Any]:
    """The ``bot`` turn object the SDK keeps as an extra attribute."""
    return dict(response.model_extra["bot"])


def client(url: str, key: str = KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0)


def test_a_whole_response_cites_its_web_source_and_counts_the_turns_usage(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply(LOOKUP, CITED)
    response = client(url).responses.create(model="bot", input="How do I connect Slack?")
    assert response.status == "completed"
    assert response.output_text == f"{ANSWER}\n\n{SOURCES}"
    part = text_part(response)
    marker = ANSWER.index("[1]")
    assert [a.model_dump() for a in part.annotations] == [
        {"type": "url_citation", "url": PAGE_URL, "title": "Slack setup",
         "start_index": marker, "end_index": marker + 3}]
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (100, 20)
    stored = bot.store.history(f"api:alice:{turn(response)['conversation']}")
    assert [t.role for t in stored] == ["user", "assistant"]


def test_a_file_source_is_a_file_citation(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, _ = api
    openai_server.reply(FILE_LOOKUP, CITED)
    response = client(url).responses.create(model="bot", input="How do I connect Slack?")
    notes = text_part(response).annotations
    assert [(n.type, n.filename, n.index) for n in notes] == [
        ("file_citation", "docs/slack.md", ANSWER.index("[1]") + 3)]


def test_the_stream_helper_gets_every_event_in_order_and_the_same_response(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, _ = api
    openai_server.reply(LOOKUP, CITED)
    with client(url).responses.stream(model="bot", input="How do I connect Slack?") as stream:
        events = list(stream)
        final = stream.get_final_response()
    kinds = [e.type for e in events]
    assert kinds[:4] == ["response.created", "response.in_progress",
                         "response.output_item.added", "response.content_part.added"]
    assert kinds[-5:] == ["response.output_text.annotation.added", "response.output_text.done",
                          "response.content_part.done", "response.output_item.done",
                          "response.completed"]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == final.output_text == f"{ANSWER}\n\n{SOURCES}"
    assert final.usage is not None and final.usage.total_tokens == 120
    assert text_part(final).annotations[0].url == PAGE_URL


def test_previous_response_id_continues_the_conversation_with_its_history(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply("Slack needs two tokens.", "The bot token starts with xoxb-.")
    first = client(url).responses.create(model="bot", input="What does Slack need?")
    second = client(url).responses.create(model="bot", input="Which one is the bot token?",
                                          previous_response_id=first.id)
    assert second.output_text == "The bot token starts with xoxb-."
    seen = [(m["role"], m["content"]) for m in openai_server.chat_requests[-1].messages
            if m["role"] != "system"]
    assert seen[-3:] == [("user", "What does Slack need?"),
                         ("assistant", "Slack needs two tokens."),
                         ("user", "Which one is the bot token?")]
    conversation = turn(second)["conversation"]
    assert conversation == turn(first)["conversation"]
    assert len(bot.store.history(f"api:alice:{conversation}")) == 4


def test_an_older_response_id_branches_and_another_keys_id_is_not_found(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply("one", "two", "two again")
    first = client(url).responses.create(model="bot", input="Count with me.")
    client(url).responses.create(model="bot", input="Next?", previous_response_id=first.id)
    client(url).responses.create(model="bot", input="Next, again?",
                                 previous_response_id=first.id)
    conversation = turn(first)["conversation"]
    assert [t.text for t in bot.store.history(f"api:alice:{conversation}")] == [
        "Count with me.", "one", "Next, again?", "two again"]
    with pytest.raises(openai.BadRequestError) as refused:
        client(url, OTHER_KEY).responses.create(model="bot", input="Hi",
                                                previous_response_id=first.id)
    assert refused.value.code == "previous_response_not_found"
    assert refused.value.param == "previous_response_id"


def test_store_false_keeps_nothing_and_cannot_be_continued(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply(LOOKUP, CITED)
    response = client(url).responses.create(model="bot", input="A secret question",
                                            store=False, stream=True)
    events = list(response)
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == f"{ANSWER}\n\n{SOURCES}"
    assert events[-1].response.model_dump()["store"] is False
    assert bot.store.keys() == []
    with pytest.raises(openai.BadRequestError) as refused:
        client(url).responses.create(model="bot", input="And?",
                                     previous_response_id=events[-1].response.id)
    assert refused.value.code == "previous_response_not_found"


def test_an_image_gets_openais_error_shape_naming_the_part(api: tuple[str, Bot]) -> None:
    url, bot = api
    image = {"type": "input_image", "image_url": "https://example.com/cat.png"}
    parts: Any = [{"type": "input_text", "text": "What is this?"}, image]
    with pytest.raises(openai.BadRequestError) as refused:
        client(url).responses.create(model="bot", input=[{"role": "user", "content": parts}])
    error = refused.value
    assert (error.status_code, error.code, error.param) == (
        400, "unsupported_content", "input[0].content[1]")
    assert "Only text input is supported" in error.message
    assert error.response.headers["x-bot-error-id"] in error.message
    assert bot.store.keys() == []


def test_a_file_input_is_refused_too(api: tuple[str, Bot]) -> None:
    url, _ = api
    with pytest.raises(openai.BadRequestError) as refused:
        client(url).responses.create(model="bot", input=[{"role": "user", "content": [
            {"type": "input_file", "file_id": "file-123"}]}])
    assert refused.value.code == "unsupported_content"


def test_a_budget_refusal_is_429_and_store_false_is_no_way_around_it(data_dir: Path) -> None:
    capped = load_settings(data_dir=data_dir, tools=[], agent="tools",
                           budgets={"space": {"tokens_per_day": 0}})
    bot = scripted_bot(api_settings(capped), "never")
    with serving(bot) as url:
        for store in (True, False):
            with pytest.raises(openai.RateLimitError) as caught:
                client(url).responses.create(model="bot", input="Hi", store=store)
            assert caught.value.code == "insufficient_quota"
            assert "budget" in caught.value.message
    [key] = bot.store.keys()  # the refused stored question; the unstored one left nothing
    assert [t.refused for t in bot.store.history(key)] == ["budgets.space.tokens_per_day"]


def test_store_false_still_reads_the_named_conversation_it_continues(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.reply("Two tokens.", "The xoxb- one.")
    named = {"X-Bot-Conversation": "ticket-7"}
    client(url).responses.create(model="bot", input="What does Slack need?",
                                 extra_headers=named)
    client(url).responses.create(model="bot", input="Which is the bot token?", store=False,
                                 extra_headers=named)
    seen = [m["content"] for m in openai_server.chat_requests[-1].messages
            if m["role"] != "system"]
    assert seen[-3:] == ["What does Slack need?", "Two tokens.", "Which is the bot token?"]
    assert [t.text for t in bot.store.history("api:alice:ticket-7")] == [
        "What does Slack need?", "Two tokens."]


def test_leaving_a_responses_stream_stores_the_turn_interrupted_and_closes_the_upstream(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.chunk_delay_s = 0.02
    openai_server.reply(FakeReply(text="word " * 400, chunk_chars=5))  # ~8 s of stream
    seen = ""
    with client(url).responses.stream(model="bot", input="Talk.") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                seen += event.delta
            if seen.count("word") >= 3:
                break  # leaving the block closes the connection mid-stream
    deadline = time.monotonic() + 30
    while not (stored := answers(bot)) or openai_server.closed_early < 1:
        assert time.monotonic() < deadline, "the turn was never stored as interrupted"
        time.sleep(0.02)
    assert stored[0].interrupted and stored[0].text.count("word") < 400


def answers(bot: Bot) -> list[Any]:
    """Every stored answer (the store names its conversations by key)."""
    conversations = bot.store.keys()
    return [t for k in conversations for t in bot.store.history(k) if t.role == "assistant"]
