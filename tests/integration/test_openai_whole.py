"""The ``openai`` backend asked for a whole reply (``LLMRequest.whole``): one non-streamed call
whose answer comes back as the same chunks a stream would have given."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web

from backends.resilient import Cooldowns, Link, ResilientLLM
from contracts import llm_errors as errors
from contracts.llm import (
    FinishChunk,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    ToolSpec,
    UsageChunk,
    complete,
)
from contracts.messages import ChatMessage, ToolCallRequest
from judging.verdict_shape import label_shape
from tests.fakes.openai_backends import backend, close_backends  # noqa: F401
from tests.fakes.openai_profiles import fake_profile_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)

WHOLE = LLMRequest(messages=[ChatMessage.system("Be brief."), ChatMessage.user("Hello?")],
                   whole=True)
CALC = ToolSpec(name="calculator", description="Arithmetic.",
                parameters={"type": "object", "properties": {"expression": {"type": "string"}}})

async def chunks_of(llm: Any, request: LLMRequest = WHOLE) -> list[LLMChunk]:
    return [c async for c in llm.stream(request)]


async def test_a_whole_reply_is_one_unstreamed_call_read_as_the_same_chunks(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.reply(FakeReply(text="Hello there, friend.", usage=(12, 5)))
    chunks = await chunks_of(backend(openai_server))
    assert chunks == [TextChunk(text="Hello there, friend."),
                      UsageChunk(input_tokens=12, output_tokens=5), FinishChunk(reason="stop")]
    body = openai_server.chat_requests[0].body
    assert body["stream"] is False and "stream_options" not in body
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


async def test_tool_calls_and_the_finish_reason_come_from_the_whole_message(
    openai_server: FakeOpenAI,
) -> None:
    call = FakeToolCall("calculator", {"expression": "2+2"}, id="call_1")
    openai_server.reply(FakeReply(tool_calls=[call], usage=(30, 7)))
    request = WHOLE.model_copy(update={"tools": [CALC]})
    chunks = await chunks_of(backend(openai_server), request)
    assert chunks == [
        ToolCallChunk(call=ToolCallRequest(id="call_1", name="calculator",
                                           arguments='{"expression": "2+2"}')),
        UsageChunk(input_tokens=30, output_tokens=7), FinishChunk(reason="tool_calls")]
    assert openai_server.chat_requests[0].body["tools"][0]["function"]["name"] == "calculator"


async def test_a_cut_short_reply_and_missing_usage_read_as_in_a_stream(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.reply(FakeReply(text="one two three", finish_reason="length", send_usage=False))
    reply = await complete(backend(openai_server), WHOLE)
    assert (reply.text, reply.finish_reason) == ("one two three", "length")
    assert reply.input_tokens > 0 and reply.output_tokens == len("one two three") // 4 + 1


async def test_a_forced_tool_call_is_the_text_of_a_whole_reply_too(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.reply(FakeReply(tool_calls=[FakeToolCall("verdict", {"label": "A"})]))
    shaped = LLMRequest(messages=[ChatMessage.user("A or B?")], whole=True,
                        answer_shape=label_shape(["A", "B"]))
    reply = await complete(backend(openai_server, fixed_shape="tool"), shaped)
    assert (reply.text, reply.tool_calls) == ('{"label": "A"}', [])
    assert openai_server.chat_requests[0].body["stream"] is False


async def test_an_error_status_maps_to_the_same_error_as_for_a_stream(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.fail("rate_limit", retry_after="3")
    with pytest.raises(errors.LLMRateLimited) as caught:
        await chunks_of(backend(openai_server))
    assert caught.value.retry_after == 3 and not caught.value.text_shown


async def test_a_200_without_an_answer_is_a_bad_response() -> None:
    async def no_choices(request: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "overloaded"}})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", no_choices)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        llm = backend(FakeOpenAI(), base_url=f"http://127.0.0.1:{port}/v1", model="m")
        with pytest.raises(errors.LLMBadResponse, match="overloaded"):
            await chunks_of(llm)
    finally:
        await runner.cleanup()


async def test_the_retry_policy_retries_a_whole_call_that_failed(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.fail("unavailable", times=1)
    openai_server.reply(FakeReply(text="Back again.", usage=(3, 2)))
    settings = fake_profile_settings(openai_server, max_retries=2)
    llm = ResilientLLM([Link("fake", settings, lambda: backend(openai_server))], Cooldowns())
    reply = await complete(llm, WHOLE)
    assert reply.text == "Back again."
    assert [r.body["stream"] for r in openai_server.chat_requests] == [False, False]


async def test_a_whole_reply_that_timed_out_is_asked_again_as_a_stream(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.fail("hang", times=1, hang_s=3.0)
    openai_server.reply(FakeReply(text="Slow but steady.", usage=(3, 4)))
    settings = fake_profile_settings(openai_server, max_retries=1, timeout_s=0.3)
    llm = ResilientLLM([Link("fake", settings, lambda: backend(openai_server, timeout_s=0.3))],
                       Cooldowns())
    reply = await complete(llm, WHOLE)
    assert reply.text == "Slow but steady."
    assert [r.body["stream"] for r in openai_server.chat_requests] == [False, True]
