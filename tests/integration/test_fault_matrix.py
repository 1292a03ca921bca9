"""Issue 7's fault matrix through the Session API, against the fault-injecting OpenAI server.

For each fault: what the user sees, how many attempts reached the server, that the store is
consistent (user turn kept, assistant turn with its error id / interrupted flag) and that
nothing crashed (the turn always ends with Usage then Done). docs/reliability.md cites these.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from bot.app import Bot
from contracts.events import Done, Error, Event, TextDelta, ToolResult, Usage
from contracts.store import TurnRecord
from contracts.turn_view import INTERRUPTED, TurnView
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    openai_server_fixture,  # noqa: F401
)

QUESTION = "What is the capital of France?"
ANSWER = f"You said: {QUESTION}"  # the fake server's echo once the fault has passed
KEY = "test:faults"


@pytest.fixture
async def make(openai_server: FakeOpenAI, data_dir: Path) -> AsyncIterator[Callable[..., Bot]]:
    made: list[Bot] = []

    def factory(**profile: Any) -> Bot:
        bot = Bot.from_settings(openai_settings(data_dir, openai_server, **profile))
        made.append(bot)
        return bot

    yield factory
    for bot in made:
        await bot.aclose()


@dataclass
class Outcome:
    events: list[Event]
    turns: list[TurnRecord]

    @property
    def view(self) -> TurnView:
        """What every presenter shows of the turn."""
        view = TurnView()
        for event in self.events:
            view.apply(event)
        return view

    @property
    def text(self) -> str:
        return self.view.answer

    @property
    def error(self) -> Error | None:
        return next((e for e in self.events if isinstance(e, Error)), None)

    @property
    def answer(self) -> TurnRecord:
        return self.turns[-1]


async def ask(bot: Bot, text: str = QUESTION) -> Outcome:
    session = bot.session(KEY)
    events = [e async for e in session.send(text)]
    assert isinstance(events[-2], Usage) and isinstance(events[-1], Done)  # nothing crashed
    turns = await session.history()
    assert (turns[-2].role, turns[-2].text) == ("user", text)  # the user's turn is kept
    assert turns[-1].role == "assistant" and events[-1].turn_id == turns[-1].id
    assert events[-1].text == turns[-1].text
    return Outcome(events, turns)


def assert_answered(out: Outcome, text: str = ANSWER) -> None:
    assert out.error is None and out.text == text
    assert (out.answer.text, out.answer.error_id, out.answer.interrupted) == (text, None, False)


def assert_failed(out: Outcome, says: str, *, retryable: bool) -> None:
    assert out.error is not None and says in out.error.message
    assert out.error.error_id in out.error.message and out.error.retryable is retryable
    assert out.answer.error_id == out.error.error_id and not out.answer.interrupted


# -- transient failures before any text: retried transparently ----------------------------
@pytest.mark.parametrize("mode", ["rate_limit", "server_error", "unavailable", "reset"])
async def test_a_transient_failure_is_retried_and_the_user_never_sees_it(
    make: Callable[..., Bot], openai_server: FakeOpenAI, mode: Any
) -> None:
    openai_server.fail(mode, times=2, retry_after="0")
    out = await ask(make(max_retries=2))
    assert_answered(out)
    assert len(openai_server.chat_requests) == 3


async def test_retry_after_is_honoured_and_logged(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("rate_limit", times=1, retry_after="1")
    with capture_logs() as logs:
        out = await ask(make(max_retries=2))
    assert_answered(out)
    retry = next(e for e in logs if e["event"] == "llm_retry")
    assert retry["delay_s"] == 1.0 and "Retry-After" in retry["reason"]


@pytest.mark.parametrize(("mode", "says"), [
    ("rate_limit", "rate limited"), ("server_error", "server had an error"),
    ("unavailable", "server had an error"), ("reset", "could not be reached"),
])
async def test_a_lasting_failure_gives_up_after_max_retries(
    make: Callable[..., Bot], openai_server: FakeOpenAI, mode: Any, says: str
) -> None:
    openai_server.fail(mode, times=None, retry_after="0")
    with capture_logs() as logs:
        out = await ask(make(max_retries=2))
    assert_failed(out, says, retryable=True)
    assert len(openai_server.chat_requests) == 3
    decisions = [e for e in logs if e["event"] in ("llm_retry", "llm_give_up")]
    assert [e["event"] for e in decisions] == ["llm_retry", "llm_retry", "llm_give_up"]
    assert "gave up after 3 attempts" in decisions[-1]["reason"]


async def test_a_hang_past_the_deadline_times_out_and_is_retried(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("hang", times=None, hang_s=10)
    out = await ask(make(max_retries=1, timeout_s=0.3))
    assert_failed(out, "took too long", retryable=True)
    assert len(openai_server.chat_requests) == 2


async def test_the_turn_deadline_stops_everything(
    make: Callable[..., Bot], openai_server: FakeOpenAI, data_dir: Path
) -> None:
    openai_server.fail("hang", times=None, hang_s=10)
    bot = make(max_retries=5, timeout_s=5)
    bot.settings.turn_timeout_s = 0.5
    out = await ask(bot)
    assert_failed(out, "took too long and was stopped", retryable=True)
    assert len(openai_server.chat_requests) == 1


@pytest.mark.parametrize(("mode", "says"), [
    ("auth", "rejected our credentials"), ("forbidden", "rejected our credentials"),
    ("bad_request", "rejected the request"),
])
async def test_a_request_that_cannot_pass_is_not_retried(
    make: Callable[..., Bot], openai_server: FakeOpenAI, mode: Any, says: str
) -> None:
    openai_server.fail(mode, times=None)
    out = await ask(make(max_retries=3))
    assert_failed(out, says, retryable=False)
    assert len(openai_server.chat_requests) == 1


# -- streams that break ----------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["cut", "sse_error", "malformed"])
async def test_a_stream_broken_before_any_text_is_retried_transparently(
    make: Callable[..., Bot], openai_server: FakeOpenAI, mode: Any
) -> None:
    openai_server.fail(mode, times=1, after_chars=0)
    out = await ask(make(max_retries=2))
    assert_answered(out)
    assert len(openai_server.chat_requests) == 2


@pytest.mark.parametrize(("mode", "says"), [
    ("cut", "cut off"), ("sse_error", "could not read"), ("malformed", "could not read"),
])
async def test_a_stream_broken_after_text_ends_interrupted_and_can_be_retried(
    make: Callable[..., Bot], openai_server: FakeOpenAI, mode: Any, says: str
) -> None:
    openai_server.fail(mode, times=1, after_chars=8)
    bot = make(max_retries=2)
    out = await ask(bot)
    assert out.text == "Partial " and out.view.notes() == [INTERRUPTED]  # then the note
    assert out.error is not None and says in out.error.message and out.error.retryable
    assert (out.answer.interrupted, out.answer.error_id) == (True, out.error.error_id)
    assert out.answer.text == out.text and out.events[-1].interrupted  # type: ignore[union-attr]
    assert len(openai_server.chat_requests) == 1  # never retried once text was shown
    again = [e async for e in bot.session(KEY).retry()]
    assert "".join(e.text for e in again if isinstance(e, TextDelta)) == ANSWER
    history = await bot.session(KEY).history()
    assert [(t.role, t.text) for t in history] == [("user", QUESTION), ("assistant", ANSWER)]


# -- replies that are odd but well-formed ----------------------------------------------------
@pytest.mark.parametrize(("mode", "tool_says"), [
    ("bad_tool_json", "not valid JSON"), ("unknown_tool", "unknown tool 'no_such_tool'"),
])
async def test_a_bad_tool_call_becomes_a_tool_error_the_model_sees(
    make: Callable[..., Bot], openai_server: FakeOpenAI, mode: Any, tool_says: str
) -> None:
    openai_server.fail(mode, times=1)
    openai_server.reply("I could not use the tool, sorry.")
    out = await ask(make())
    result = next(e for e in out.events if isinstance(e, ToolResult))
    assert result.is_error and tool_says in result.content
    assert_answered(out, "I could not use the tool, sorry.")
    told = openai_server.chat_requests[1].messages[-1]
    assert told["role"] == "tool" and tool_says in told["content"]


async def test_an_empty_completion_is_asked_again_without_tools(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("empty", times=1)
    out = await ask(make())
    assert_answered(out)
    assert "tools" not in openai_server.chat_requests[1].body


async def test_completions_that_stay_empty_end_in_a_polite_error(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("empty", times=None)
    out = await ask(make(max_retries=2))
    assert_failed(out, "returned an empty answer", retryable=True)
    assert len(openai_server.chat_requests) == 2


async def test_a_length_cut_answer_says_so(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("length", text="A long answer that")
    out = await ask(make())
    assert out.error is None and out.text.startswith("A long answer that")
    assert "length limit" in out.text and out.answer.text == out.text
    assert len(openai_server.chat_requests) == 1


async def test_a_content_filtered_answer_is_declined_politely(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("content_filter", text="")
    out = await ask(make(max_retries=2))
    assert_failed(out, "declined to answer (content filter)", retryable=False)
    assert out.text == "" and len(openai_server.chat_requests) == 1


async def test_a_content_filter_mid_answer_marks_it_interrupted(
    make: Callable[..., Bot], openai_server: FakeOpenAI
) -> None:
    openai_server.fail("content_filter", text="Here is how")
    out = await ask(make(max_retries=2))
    assert out.text == "Here is how" and out.answer.interrupted
    assert out.view.notes() == [INTERRUPTED]
    assert out.error is not None and "content filter" in out.error.message
