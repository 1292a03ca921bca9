"""Every event kind has a Slack rendering (pure functions, no Slack needed)."""

from __future__ import annotations

from contracts.events import (
    Done,
    Error,
    Event,
    Source,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
)
from presenters.slack.render import render_turn, section_blocks


def test_every_event_kind_is_rendered() -> None:
    events: list[Event] = [
        Status(text="is searching the knowledge base…"),
        ToolCall(id="c1", name="calculator", arguments={"expression": "2+2"}),
        ToolResult(id="c1", name="calculator", content="4"),
        ToolResult(id="c2", name="clock", content="boom", is_error=True),
        TextDelta(text="The answer is **4** "), TextDelta(text="[1]."),
        Sources(sources=[Source(n=1, source="docs/math.md", heading="Adding")]),
        Usage(input_tokens=12, output_tokens=5, cost_usd=0.0001, latency_s=0.5, backend="b",
              model="m"),
        Done(turn_id=7, text="The answer is **4** [1].", interrupted=False),
    ]
    out = render_turn(events, show_usage=True)
    assert out["text"] == "The answer is *4* [1]."
    assert out["steps"] == ["is searching the knowledge base…",
                            'is using calculator {"expression": "2+2"}…',
                            "read the calculator result…", "clock failed; carrying on…"]
    kinds = [b["type"] for b in out["blocks"]]
    assert kinds == ["section", "context", "context", "actions"]
    assert out["blocks"][1]["elements"][1]["text"] == "[1] docs/math.md — Adding"
    assert out["blocks"][2]["elements"][0]["text"].startswith("12 in / 5 out tokens")
    assert {e["value"] for e in out["blocks"][3]["elements"]} == {"7"}


def test_errors_and_interruptions_are_shown_without_feedback_buttons() -> None:
    failed = render_turn([TextDelta(text="Half an ans"),
                          Error(message="Sorry — it broke. (error id: ab12)", error_id="ab12"),
                          Done(turn_id=3, text="Half an ans", interrupted=True)])
    assert failed["text"] == "Half an ans\n\n_(interrupted)_\n\nSorry — it broke. (error id: ab12)"
    assert [b["type"] for b in failed["blocks"]] == ["section"]
    cut = render_turn([TextDelta(text="Stopped"), Done(turn_id=4, text="Stopped",
                                                       interrupted=True)])
    assert cut["text"] == "Stopped\n\n_(interrupted)_"


def test_long_answers_are_split_into_section_blocks() -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(100))
    blocks = section_blocks(text)
    assert len(blocks) > 1 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert "\n".join(b["text"]["text"] for b in blocks) == text
