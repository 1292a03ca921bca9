"""How the web page shows each event kind (pure rendering; no Gradio needed)."""

from __future__ import annotations

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
from contracts.store import TurnRecord
from presenters.gradio.render import (
    INTERRUPTED_NOTE,
    NO_ANSWER_NOTE,
    TurnRenderer,
    from_history,
    is_answer,
    text_of,
)

SOURCE = Source(n=1, source="docs/slack.md", heading="Setup")


def render(*events, show_usage: bool = False) -> TurnRenderer:  # type: ignore[no-untyped-def]
    renderer = TurnRenderer(show_usage)
    for event in events:
        renderer.apply(event)
    return renderer


def test_text_deltas_grow_one_answer_message() -> None:
    r = render(TextDelta(text="Hel"), TextDelta(text="lo"))
    assert r.messages == [{"role": "assistant", "content": "Hello"}]


def test_tool_step_is_a_spinner_until_its_result_then_folds() -> None:
    r = render(ToolCall(id="c1", name="calculator", arguments={"expression": "2*3"}),
               Status(text="using calculator…"))
    (step,) = r.messages
    assert step["metadata"]["title"] == "🔧 calculator"
    assert step["metadata"]["status"] == "pending"
    assert step["metadata"]["log"] == "using calculator…"
    r.apply(ToolResult(id="c1", name="calculator", content="2*3 = 6"))
    (step,) = r.messages
    assert step["metadata"]["status"] == "done" and "2*3 = 6" in step["content"]
    assert "log" not in step["metadata"]


def test_failed_tool_says_so_in_its_title() -> None:
    r = render(ToolCall(id="c1", name="calculator", arguments="{bad"),
               ToolResult(id="c1", name="calculator", content="error: bad", is_error=True))
    assert r.messages[0]["metadata"]["title"] == "⚠️ calculator failed"
    assert "{bad" in r.messages[0]["content"]


def test_status_alone_is_a_step_folded_when_the_answer_starts() -> None:
    r = render(Status(text="searching the knowledge base…"))
    assert r.messages[0]["metadata"]["status"] == "pending"
    r.apply(TextDelta(text="Found it."))
    assert r.messages[0]["metadata"]["status"] == "done"
    assert r.messages[0]["metadata"]["title"] == "⏳ searching the knowledge base…"


def test_sources_follow_the_answer_open_with_file_and_heading() -> None:
    r = render(TextDelta(text="See [1]."), Sources(sources=[SOURCE]), Done(turn_id=7, text=""))
    answer, sources = r.messages
    assert is_answer(answer) and sources["metadata"] == {"title": "📚 Sources"}
    assert sources["content"] == "1. docs/slack.md — Setup"
    assert r.turn_id == 7


def test_usage_shown_only_when_stats_are_on() -> None:
    usage = Usage(input_tokens=12, output_tokens=34, latency_s=1.5, backend="b", model="m")
    assert render(TextDelta(text="x"), usage).messages[1:] == []
    (_, shown) = render(TextDelta(text="x"), usage, show_usage=True).messages
    assert shown["metadata"]["title"] == "📊 Usage" and "12 in / 34 out" in shown["content"]


def test_error_is_plain_readable_text() -> None:
    r = render(Error(message="Sorry — the model is down. (error id: ab12)", error_id="ab12"),
               Done(turn_id=3, text=""))
    assert r.messages == [{"role": "assistant",
                           "content": "⚠️ Sorry — the model is down. (error id: ab12)"}]


def test_interrupted_and_empty_answers_are_marked() -> None:
    cut = render(TextDelta(text="Half"), Done(turn_id=1, text="Half", interrupted=True))
    assert text_of(cut.messages[-1]) == INTERRUPTED_NOTE == "_(interrupted)_"
    empty = render(Done(turn_id=1, text=""))
    assert text_of(empty.messages[-1]) == NO_ANSWER_NOTE


def test_a_failure_mid_answer_shows_the_text_the_note_then_the_apology() -> None:
    r = render(TextDelta(text="Partial"),
               Error(message="Sorry — the answer was cut off. (error id: ab12)", error_id="ab12"),
               Done(turn_id=2, text="Partial", interrupted=True))
    assert [text_of(m) for m in r.messages] == [
        "Partial", INTERRUPTED_NOTE, "⚠️ Sorry — the answer was cut off. (error id: ab12)"]


def test_the_length_note_is_written_outside_an_unclosed_code_block() -> None:
    limit = "(answer cut short: the model reached its length limit)"
    r = render(TextDelta(text="Run this:\n```python\nfor i in range(3):\n    print(i"),
               Notice(text=limit), Done(turn_id=1, text=""))
    (answer,) = r.messages
    body, _, after = text_of(answer).rpartition("```")
    assert body.endswith("print(i\n") and after == f"\n\n{limit}"  # fence closed, then the note


def test_gradio_content_parts_are_read_as_text() -> None:
    assert text_of({"role": "user", "content": [{"type": "text", "text": "hi"}]}) == "hi"


def test_history_renders_with_turn_ids_for_feedback() -> None:
    turns = [
        TurnRecord(id=1, key="k", role="user", text="2*3?"),
        TurnRecord(id=2, key="k", role="assistant", text="6 [1]", sources=[SOURCE],
                   tool_calls=[{"id": "c1", "name": "calculator", "arguments": {"e": "2*3"}}]),
        TurnRecord(id=3, key="k", role="user", text="again"),
        TurnRecord(id=4, key="k", role="assistant", text="", error_id="ff00"),
    ]
    messages, ids = from_history(turns)
    assert [text_of(m)[:12] for m in messages] == [
        "2*3?", "**Arguments*", "6 [1]", "1. docs/slac", "again", "⚠️ Sorry — t"]
    assert ids == [None, 2, 2, 2, None, 4]
    assert messages[1]["metadata"]["status"] == "done"
    assert "ff00" in text_of(messages[-1])


def test_a_step_waiting_for_approval_offers_approve_and_deny_until_decided() -> None:
    from contracts.events import ApprovalDecision, ApprovalRequest

    call = ToolCall(id="c1", name="book_room", arguments={"room": 4})
    asked = ApprovalRequest(id="r1", step_id="c1", tool="book_room", arguments={"room": 4},
                            timeout_s=60)
    waiting = render(call, asked).messages[-1]
    assert [o["value"] for o in waiting["options"]] == ["approve:r1", "deny:r1"]
    assert "**Approval:** waiting for approval" in text_of(waiting)
    decided = ApprovalDecision(id="r1", step_id="c1", tool="book_room", allowed=False,
                               by="timeout")
    shown = render(call, asked, decided).messages[-1]
    assert "options" not in shown and "**Approval:** denied: no answer in time" in text_of(shown)
