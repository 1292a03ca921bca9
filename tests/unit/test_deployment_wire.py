"""A model deployment's chunks and failures cross to the replicas as data and come back as
the same chunks and the same error classes (:mod:`backends.deployment_wire`)."""

from __future__ import annotations

import pytest

from backends.deployment_wire import chunk_from, serve_stream
from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.failures import user_error
from contracts.llm import LLMRequest, collect
from contracts.llm_errors import LLMServerError, LLMWorkerCrashed
from contracts.messages import ChatMessage

REQUEST = LLMRequest(messages=[ChatMessage.user("What is 17 times 23?")], max_tokens=20)


async def through_the_wire(llm: ScriptedLLM) -> list:
    return [chunk_from(item, "local") async for item in serve_stream(llm, REQUEST.model_dump(
        mode="json"))]


async def test_text_tool_calls_usage_and_finish_arrive_unchanged() -> None:
    reply = Reply(text="Let me compute.", tool_calls=[ScriptedToolCall(
        name="calculator", arguments={"expression": "17 * 23"})])
    direct = [c async for c in ScriptedLLM([reply]).stream(REQUEST)]
    assert await through_the_wire(ScriptedLLM([reply])) == direct
    whole = await collect(ScriptedLLM([reply]).stream(REQUEST))
    assert whole.tool_calls[0].arguments == '{"expression": "17 * 23"}'


async def test_a_crashed_model_worker_is_the_same_error_on_the_replica() -> None:
    crash = LLMWorkerCrashed(profile="local", cause="SIGILL in the model worker",
                             fix="rebuild llama.cpp for this CPU")
    llm = ScriptedLLM([Reply(text="Partial answ", error=crash, error_after_chars=4)])
    with pytest.raises(LLMWorkerCrashed) as caught:
        await through_the_wire(llm)
    assert caught.value.cause == "SIGILL in the model worker"
    assert caught.value.fix == "rebuild llama.cpp for this CPU"
    assert user_error(caught.value, "e1").message == user_error(crash, "e1").message


def test_an_unknown_failure_is_a_server_error() -> None:
    with pytest.raises(LLMServerError, match="boom"):
        chunk_from({"kind": "error", "type": "NotAnLLMError", "detail": "boom"}, "local")
