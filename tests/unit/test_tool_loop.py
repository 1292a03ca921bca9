"""The primary agent's tool loop on the scripted backend: tools run, failures reach the model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from backends.scripted import Reply, ScriptedToolCall
from contracts.events import Done, Error, Event, TextDelta, ToolCall, ToolResult, Usage
from contracts.run_context import ToolRunContext
from contracts.tools import ToolOutput
from tools.calculator import Calculator


async def collect(bot: Any, text: str, key: str = "test:1") -> list[Event]:
    return [e async for e in bot.session(key).send(text)]


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def calc(expression: str, call_id: str = "c1") -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(id=call_id, name="calculator",
                                              arguments={"expression": expression})])


async def test_tool_call_result_goes_back_to_the_model(make_bot: Any) -> None:
    bot = make_bot(calc("17 * 23"), "17 times 23 is 391.")
    events = await collect(bot, "What is 17 times 23?")
    call = next(e for e in events if isinstance(e, ToolCall))
    result = next(e for e in events if isinstance(e, ToolResult))
    assert (call.name, call.arguments) == ("calculator", {"expression": "17 * 23"})
    assert result.content == "17 * 23 = 391" and not result.is_error
    assert text_of(events) == "17 times 23 is 391."
    second = bot.models.for_role("primary").requests[1]
    assert second.messages[-1].role == "tool" and second.messages[-1].content == "17 * 23 = 391"
    assert isinstance(events[-1], Done) and events[-1].text == "17 times 23 is 391."


class Broken:
    name = "broken"
    description = "always fails"

    class Args(BaseModel):
        pass

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        raise RuntimeError("disk on fire")


async def test_a_tool_that_raises_becomes_a_tool_error(make_bot: Any) -> None:
    bot = make_bot(Reply(tool_calls=[ScriptedToolCall(name="broken")]), "The tool failed.",
                   tools={"broken": Broken(), "calculator": Calculator()})
    events = await collect(bot, "break it")
    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.is_error and "disk on fire" in result.content
    assert text_of(events) == "The tool failed."
    assert not any(isinstance(e, Error) for e in events)


async def test_unknown_tool_and_malformed_json_reach_the_model(make_bot: Any) -> None:
    bot = make_bot(
        Reply(tool_calls=[ScriptedToolCall(name="weather", arguments={})]),
        Reply(tool_calls=[ScriptedToolCall(name="calculator", arguments='{"expression": "1+')]),
        "Sorry, I could not compute that.",
    )
    events = await collect(bot, "hmm")
    errors = [e.content for e in events if isinstance(e, ToolResult)]
    assert "unknown tool 'weather'" in errors[0] and "calculator" in errors[0]
    assert "not valid JSON" in errors[1]
    assert text_of(events).startswith("Sorry")


async def test_the_loop_is_bounded(make_bot: Any, settings: Any) -> None:
    bot = make_bot(calc("1 + 1"), calc("2 + 2"), "Giving up on tools.",
                   settings_=settings.model_copy(update={"max_tool_steps": 2}))
    events = await collect(bot, "loop")
    assert sum(isinstance(e, ToolCall) for e in events) == 2
    final_request = bot.models.for_role("primary").requests[-1]
    assert final_request.tools == []  # the last call offers no tools, forcing an answer
    assert text_of(events) == "Giving up on tools."


async def test_empty_reply_without_tool_is_asked_again_without_tools(make_bot: Any) -> None:
    bot = make_bot("", "Hello! I am fine.")
    events = await collect(bot, "Hello, how are you?")
    assert text_of(events) == "Hello! I am fine."
    requests = bot.models.for_role("primary").requests
    assert requests[0].tools and requests[1].tools == []


async def test_usage_and_done_close_every_turn(make_bot: Any) -> None:
    bot = make_bot("Hi there")
    events = await collect(bot, "hello")
    assert isinstance(events[-2], Usage) and events[-2].output_tokens == 2
    assert isinstance(events[-1], Done) and events[-1].turn_id is not None


async def test_tools_stop_being_offered_after_two_failed_steps(make_bot: Any) -> None:
    bad = Reply(tool_calls=[ScriptedToolCall(name="calculator", arguments={"expression": ""})])
    bot = make_bot(bad, bad, "I could not compute it.")
    events = await collect(bot, "compute nothing")
    assert sum(isinstance(e, ToolCall) for e in events) == 2
    assert bot.models.for_role("primary").requests[2].tools == []
    assert text_of(events) == "I could not compute it."


async def test_a_silent_model_after_a_good_tool_call_answers_with_the_result(
    make_bot: Any,
) -> None:
    bot = make_bot(calc("17 * 23 = 456"), "", "")
    events = await collect(bot, "What is 17 times 23?")
    assert text_of(events) == "17 * 23 = 391"
    assert isinstance(events[-1], Done) and events[-1].text == "17 * 23 = 391"


async def test_a_passage_found_twice_keeps_one_number(make_bot: Any) -> None:
    from contracts.events import Source, Sources
    from contracts.tools import ToolOutput

    class Lookup:
        name = "lookup"
        description = "look up"

        class Args(BaseModel):
            q: str = ""

        async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
            same = Source(n=1, source="docs/a.md", heading="Intro", text="Alpha.")
            return ToolOutput(content="found", sources=[same])

    call = Reply(tool_calls=[ScriptedToolCall(name="lookup")])
    bot = make_bot(call, call, "Alpha [1].", tools={"lookup": Lookup()})
    events = await collect(bot, "alpha?")
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert [(s.n, s.source) for s in sources] == [(1, "docs/a.md")]
    results = [e.content for e in events if isinstance(e, ToolResult)]
    assert results[1].startswith("found\n\n[1] docs/a.md — Intro")
