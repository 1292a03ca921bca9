"""Responses API parts a user notices: where a citation points, and which input is refused."""

from __future__ import annotations

import pytest

from contracts.events import Source, Sources, TextDelta
from contracts.turn_view import TurnView
from presenters.api.errors import ApiError
from presenters.api.render import content
from presenters.api.responses_render import source_annotations
from presenters.api.responses_request import ResponsesRequest, ask
from presenters.api.responses_thread import parse_id, response_id


def view_of(answer: str, *sources: Source) -> TurnView:
    view = TurnView()
    view.apply(TextDelta(text=answer))
    view.apply(Sources(sources=list(sources)))
    return view


def test_each_marker_is_annotated_and_a_source_never_cited_points_at_its_list_line() -> None:
    web = Source(n=1, source="wiki/a", title="A page", url="https://wiki.example.com/a")
    other = Source(n=2, source="docs/b.md", heading="Setup")
    twelve = Source(n=12, source="docs/c.md")
    view = view_of("See [1] and [12], and [1] again.", web, other, twelve)
    text = content(view)
    notes = source_annotations(view, text)
    assert [(n["type"], n.get("start_index"), n.get("index")) for n in notes] == [
        ("url_citation", 4, None), ("file_citation", None, 16), ("url_citation", 22, None),
        ("file_citation", None, text.index("docs/b.md — Setup") + len("docs/b.md — Setup"))]


def test_without_the_list_an_uncited_source_points_at_the_end() -> None:
    view = view_of("No markers here.", Source(n=1, source="docs/a.md"))
    text = content(view, with_sources=False)
    assert source_annotations(view, text) == [
        {"type": "file_citation", "file_id": "docs/a.md", "filename": "docs/a.md",
         "index": len(text)}]


def test_history_items_become_the_shown_conversation_and_tool_items_are_refused() -> None:
    asked = ask(ResponsesRequest(model="bot", input=[
        {"role": "developer", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"type": "message", "role": "assistant",
         "content": [{"type": "output_text", "text": "Hello!", "annotations": []}]},
        {"role": "user", "content": [{"type": "input_text", "text": "Slack?"}]}]))
    assert (asked.text, [(s.role, s.text) for s in asked.history]) == (
        "Slack?", [("user", "Hi"), ("assistant", "Hello!")])
    with pytest.raises(ApiError) as refused:
        ask(ResponsesRequest(model="bot", input=[
            {"type": "function_call_output", "call_id": "c1", "output": "42"}]))
    assert (refused.value.param, refused.value.code) == ("input[0]", "unsupported_content")


def test_a_stored_responses_id_names_its_place_and_an_unstored_one_names_nothing() -> None:
    assert parse_id(response_id(3, "auto-abc_def", stored=True)) == (3, "auto-abc_def")
    assert parse_id(response_id(3, "auto-abc", stored=False)) is None
    assert parse_id("msg_1_x") is None
