"""The ``openai`` backend against a real OpenAI-compatible HTTP server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from backends.api_keys import is_self_hosted
from backends.openai_backend import OpenAIBackend
from contracts import llm_errors as errors
from contracts.llm import (
    Completion,
    FinishChunk,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolSpec,
    UsageChunk,
    complete,
)
from contracts.messages import ChatMessage, ToolCallRequest
from judging.verdict_shape import label_shape
from tests.fakes.openai_backends import backend, close_backends  # noqa: F401
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)

HELLO = LLMRequest(messages=[ChatMessage.system("Be brief."), ChatMessage.user("Hello?")])


async def chunks_of(llm: OpenAIBackend, request: LLMRequest = HELLO) -> list[LLMChunk]:
    return [c async for c in llm.stream(request)]


async def test_text_streams_as_several_deltas_then_usage_and_finish(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.reply(FakeReply(text="Hello there, friend.", usage=(12, 5)))
    chunks = await chunks_of(backend(openai_server))
    texts = [c.text for c in chunks if isinstance(c, TextChunk)]
    assert len(texts) > 3 and "".join(texts) == "Hello there, friend."
    assert chunks[-2:] == [UsageChunk(input_tokens=12, output_tokens=5),
                           FinishChunk(reason="stop")]
    body = openai_server.chat_requests[0].body
    assert body["stream"] and body["stream_options"] == {"include_usage": True}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


async def test_tool_calls_split_across_chunks_are_assembled(openai_server: FakeOpenAI) -> None:
    calls = [FakeToolCall("calculator", {"expression": "17 * 23"}, id="call_a", pieces=5),
             FakeToolCall("clock", {}, id="call_b", pieces=2)]
    openai_server.reply(FakeReply(tool_calls=calls))
    tools = [ToolSpec(name="calculator", description="math", parameters={"type": "object"})]
    result = await complete(backend(openai_server), HELLO.model_copy(update={"tools": tools}))
    assert result.tool_calls == [
        ToolCallRequest(id="call_a", name="calculator", arguments='{"expression": "17 * 23"}'),
        ToolCallRequest(id="call_b", name="clock", arguments="{}"),
    ]
    assert result.finish_reason == "tool_calls"
    sent = openai_server.chat_requests[0].body["tools"]
    assert sent[0]["function"]["name"] == "calculator"


async def test_tool_results_go_back_in_the_openai_wire_format(openai_server: FakeOpenAI) -> None:
    call = ToolCallRequest(id="call_1", name="calculator", arguments='{"expression": "1+1"}')
    request = LLMRequest(messages=[ChatMessage.user("1+1?"), ChatMessage.assistant("", [call]),
                                   ChatMessage.tool("call_1", "calculator", "1+1 = 2")])
    await complete(backend(openai_server), request)
    sent = openai_server.chat_requests[0].messages
    assert sent[1]["tool_calls"][0] == {"id": "call_1", "type": "function", "function": {
        "name": "calculator", "arguments": '{"expression": "1+1"}'}}
    assert sent[2] == {"role": "tool", "tool_call_id": "call_1", "content": "1+1 = 2"}


async def test_a_server_that_sends_no_usage_gets_an_estimate(openai_server: FakeOpenAI) -> None:
    openai_server.reply(FakeReply(text="Some words of answer here.", send_usage=False))
    result = await complete(backend(openai_server), HELLO)
    assert result.text == "Some words of answer here."
    assert result.input_tokens > 0 and result.output_tokens > 0


@pytest.mark.parametrize(("mode", "reason"), [("length", "length"),
                                              ("content_filter", "content_filter")])
async def test_finish_reasons_pass_through(openai_server: FakeOpenAI, mode: Any,
                                           reason: str) -> None:
    openai_server.fail(mode, text="Partial")
    result: Completion = await complete(backend(openai_server), HELLO)
    assert (result.text, result.finish_reason) == ("Partial", reason)


FAILURES = [
    ("rate_limit", errors.LLMRateLimited),
    ("server_error", errors.LLMServerError),
    ("unavailable", errors.LLMServerError),
    ("auth", errors.LLMAuthError),
    ("forbidden", errors.LLMAuthError),
    ("bad_request", errors.LLMBadRequest),
    ("reset", errors.LLMConnectionError),
    ("hang", errors.LLMTimeout),
    ("cut", errors.LLMStreamCut),
    ("sse_error", errors.LLMBadResponse),
    ("malformed", errors.LLMBadResponse),
]


@pytest.mark.parametrize(("mode", "expected"), FAILURES)
async def test_every_failure_maps_to_one_error_class(
    openai_server: FakeOpenAI, mode: Any, expected: type[errors.LLMError]
) -> None:
    openai_server.fail(mode, hang_s=10)
    with pytest.raises(errors.LLMError) as caught:
        await complete(backend(openai_server, timeout_s=0.3), HELLO)
    assert type(caught.value) is expected
    assert caught.value.profile == "fake"
    assert len(openai_server.chat_requests) == 1  # the SDK's own retries are off


async def test_rate_limit_carries_retry_after(openai_server: FakeOpenAI) -> None:
    openai_server.fail("rate_limit", retry_after="7")
    with pytest.raises(errors.LLMRateLimited) as caught:
        await complete(backend(openai_server), HELLO)
    assert caught.value.retry_after == 7.0


async def test_a_cut_after_text_says_text_was_shown(openai_server: FakeOpenAI) -> None:
    openai_server.fail("cut", after_chars=8)
    seen: list[str] = []
    with pytest.raises(errors.LLMStreamCut) as caught:
        async for chunk in backend(openai_server).stream(HELLO):
            if isinstance(chunk, TextChunk):
                seen.append(chunk.text)
    assert "".join(seen) == "Partial " and caught.value.text_shown


async def _first_text(stream: AsyncIterator[LLMChunk]) -> None:
    async for chunk in stream:
        if isinstance(chunk, TextChunk) and chunk.text:
            return


async def test_closing_the_stream_early_closes_the_http_response(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.chunk_delay_s = 0.02
    openai_server.reply(FakeReply(text="word " * 200))
    stream = backend(openai_server).stream(HELLO)
    await _first_text(stream)
    await stream.aclose()
    for _ in range(200):  # the server notices on its next write
        if openai_server.closed_early:
            break
        await asyncio.sleep(0.02)
    assert openai_server.closed_early == 1


def test_a_remote_server_without_a_key_names_the_variable_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    from config.profiles import PRESETS, ProfileSettings

    with pytest.raises(errors.LLMNotConfigured) as caught:
        OpenAIBackend.from_profile("openai", ProfileSettings(**PRESETS["openai"]))
    assert "OPENAI_API_KEY" in str(caught.value) and "profiles.openai" in str(caught.value)


async def test_the_key_comes_from_the_named_environment_variable(
    openai_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch,
) -> None:
    openai_server.api_key = "sk-fake-from-env-123456"
    monkeypatch.setenv("MY_FAKE_KEY", "sk-fake-from-env-123456")
    result = await complete(backend(openai_server, api_key_env="MY_FAKE_KEY"), HELLO)
    assert result.text == "You said: Hello?"
    assert openai_server.chat_requests[0].headers["Authorization"].endswith("env-123456")


async def test_a_loopback_server_needs_no_key(openai_server: FakeOpenAI) -> None:
    result = await complete(backend(openai_server), HELLO)
    assert result.text == "You said: Hello?"


async def test_an_empty_model_name_uses_the_first_served_model(openai_server: FakeOpenAI) -> None:
    openai_server.models = ["served-model", "other"]
    await complete(backend(openai_server, model=""), HELLO)
    assert openai_server.chat_requests[0].body["model"] == "served-model"


async def test_probe_reports_a_healthy_profile(openai_server: FakeOpenAI) -> None:
    openai_server.api_key = "sk-the-right-one-0000"
    result = await backend(openai_server, api_key="sk-the-right-one-0000").probe()
    assert (result.verdict, result.reachable, result.model_listed, result.key_accepted) == \
        ("ok", True, True, True)
    assert result.line() == (f"[ok] fake (fake-model at {openai_server.base_url}): "
                             "reachable, key accepted, model fake-model is served")


async def test_probe_of_a_keyless_local_server_does_not_claim_a_key(
    openai_server: FakeOpenAI,
) -> None:
    result = await backend(openai_server).probe()
    assert (result.verdict, result.key_accepted) == ("ok", None)
    assert "no key used" in result.detail


async def test_probe_names_the_models_when_ours_is_missing(openai_server: FakeOpenAI) -> None:
    result = await backend(openai_server, model="gpt-nope").probe()
    assert result.verdict == "fail" and result.model_listed is False
    assert "fake-model" in result.detail and "gpt-nope" in result.detail


async def test_probe_reports_a_rejected_key(openai_server: FakeOpenAI) -> None:
    openai_server.api_key = "sk-the-right-one-0000"
    result = await backend(openai_server, api_key="sk-a-wrong-one-1111").probe()
    assert result.verdict == "fail" and result.reachable and result.key_accepted is False
    assert "sk-a-wrong" not in result.line()


async def test_probe_reports_an_unreachable_server(free_port: int) -> None:
    server = FakeOpenAI()
    server.port = free_port  # nothing listens there
    result = await backend(server, timeout_s=2).probe()
    assert result.verdict == "fail" and not result.reachable
    assert "not reachable" in result.detail


@pytest.mark.parametrize(("url", "self_hosted"), [
    ("http://127.0.0.1:8000/v1", True), ("http://localhost:11434/v1", True),
    ("http://192.168.1.20:8000/v1", True), ("http://vllm:8000/v1", True),
    ("http://gpu-box.internal/v1", True), ("https://api.openai.com/v1", False),
    ("https://api.together.xyz/v1", False), ("http://8.8.8.8/v1", False), (None, False),
])
def test_only_hosted_apis_require_a_key(url: str | None, self_hosted: bool) -> None:
    assert is_self_hosted(url) is self_hosted


async def test_the_fake_serves_deterministic_embeddings(openai_server: FakeOpenAI) -> None:
    """Other suites (the knowledge base) embed through the same fake: it must be stable."""
    import openai

    client = openai.AsyncOpenAI(base_url=openai_server.base_url, api_key="x", max_retries=0)
    try:
        texts = ["slack app setup", "set up the slack app", "banana bread recipe"]
        first = await client.embeddings.create(model="fake-embed", input=texts, dimensions=32)
        again = await client.embeddings.create(model="fake-embed", input=texts[0], dimensions=32)
    finally:
        await client.close()
    vectors = [d.embedding for d in first.data]
    assert len(vectors[0]) == 32 and vectors[0] == again.data[0].embedding

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])


VERDICT = LLMRequest(messages=[ChatMessage.user("A or B?")],
                     answer_shape=label_shape(["A", "B"]))


async def test_a_fixed_shape_goes_out_as_structured_outputs_by_default(
    openai_server: FakeOpenAI
) -> None:
    openai_server.reply('{"label": "B"}')
    reply = await complete(backend(openai_server), VERDICT)
    assert reply.text == '{"label": "B"}'
    sent = openai_server.chat_requests[0].body["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"]["properties"]["label"]["enum"] == ["A", "B"]


async def test_a_json_object_server_gets_the_schema_in_its_own_shape(
    openai_server: FakeOpenAI
) -> None:
    await complete(backend(openai_server, fixed_shape="json_object"), VERDICT)
    sent = openai_server.chat_requests[0].body["response_format"]
    assert sent["type"] == "json_object" and sent["schema"]["required"] == ["label"]


async def test_a_tool_use_server_is_forced_to_call_and_the_arguments_are_the_text(
    openai_server: FakeOpenAI
) -> None:
    openai_server.reply(FakeReply(tool_calls=[FakeToolCall("verdict", {"label": "A"})]))
    reply = await complete(backend(openai_server, fixed_shape="tool"), VERDICT)
    assert (reply.text, reply.tool_calls, reply.finish_reason) == ('{"label": "A"}', [], "stop")
    body = openai_server.chat_requests[0].body
    assert body["tool_choice"] == {"type": "function", "function": {"name": "verdict"}}
    assert "response_format" not in body


async def test_a_profile_that_cannot_constrain_sends_free_text_requests(
    openai_server: FakeOpenAI
) -> None:
    await complete(backend(openai_server, fixed_shape="none"), VERDICT)
    body = openai_server.chat_requests[0].body
    assert "response_format" not in body and "tools" not in body
