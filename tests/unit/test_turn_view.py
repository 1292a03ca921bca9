"""The turn view: the rules every presenter shows a turn by, folded from the events."""

from __future__ import annotations

from bot.failures import user_error
from contracts.events import (
    Done,
    Error,
    Notice,
    Source,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
)
from contracts.llm_errors import LLMConnectionError
from contracts.store import TurnRecord
from contracts.turn_view import INTERRUPTED, NO_ANSWER, TurnView, open_fence


def fold(*events) -> TurnView:  # type: ignore[no-untyped-def]
    view = TurnView()
    for event in events:
        view.apply(event)
    return view


def test_a_whole_turn_folds_into_text_steps_sources_and_usage() -> None:
    view = fold(Status(text="thinking…"),
                ToolCall(id="c1", name="calculator", arguments={"expression": "2×3"}),
                Status(text="using calculator…"),
                ToolResult(id="c1", name="calculator", content="6"),
                TextDelta(text="It is "), TextDelta(text="6 [1]."),
                Sources(sources=[Source(n=1, source="docs/a.md", heading="Maths")]),
                Usage(input_tokens=10, output_tokens=3, cost_usd=0.00012, latency_s=1.5,
                      ttft_s=0.25, backend="openai", model="gpt"),
                Done(turn_id=9, text="It is 6 [1]."))
    (step,) = view.steps
    assert (step.name, step.arguments_json, step.result, step.failed) == (
        "calculator", '{"expression": "2×3"}', "6", False)
    assert view.answer == "It is 6 [1]." and view.notes() == [] and view.turn_id == 9
    assert view.usage_line() == ("10 in / 3 out tokens · $0.0001 · 1.50 s · first token 0.25 s"
                                 " · openai/gpt")


def test_a_failure_after_text_is_interrupted_and_one_before_it_is_not() -> None:
    apology = Error(message="Sorry — it broke. (error id: 1)", error_id="1")
    assert fold(TextDelta(text="Half"), apology).notes() == [INTERRUPTED]
    assert fold(apology, Done(turn_id=1, text="")).notes() == []  # the apology says it all


def test_a_stopped_turn_is_interrupted_and_an_empty_one_has_no_answer() -> None:
    stopped = fold(TextDelta(text="Half"))
    stopped.stop()
    assert stopped.notes() == [INTERRUPTED]
    assert fold(Done(turn_id=1, text="")).notes() == [NO_ANSWER]


def test_notices_follow_the_text_outside_an_open_code_block() -> None:
    view = fold(TextDelta(text="Try:\n~~~~\ncode"), Notice(text="(cut short)"))
    assert view.answer == "Try:\n~~~~\ncode\n~~~~\n\n(cut short)"
    assert fold(TextDelta(text="```\na\n```\nok"), Notice(text="(n)")).answer == \
        "```\na\n```\nok\n\n(n)"
    assert open_fence("```py\nx\n````") is None and open_fence("````\nx\n```") == "````"


def test_the_apology_reads_as_one_sentence() -> None:
    error = user_error(LLMConnectionError(), "ab12")
    assert error.message == ("Sorry — the language model could not be reached. "
                             "Please try again. (error id: ab12)")
    assert Error.apology("API key rejected.", "1").message == \
        "Sorry — API key rejected. (error id: 1)"


def test_a_stored_answer_reads_back_as_the_same_view() -> None:
    record = TurnRecord(id=4, key="k", role="assistant", text="Half\n\n(interrupted)",
                        interrupted=True, error_id="ff00",
                        tool_calls=[{"id": "c1", "name": "clock", "arguments": {}}])
    view = TurnView.from_record(record)
    assert view.answer == "Half"  # an answer stored before the view carried the note itself
    assert view.notes() == [INTERRUPTED] and view.steps[0].name == "clock"
    assert view.error is not None and view.error.message == \
        "Sorry — this answer failed. (error id: ff00)"
