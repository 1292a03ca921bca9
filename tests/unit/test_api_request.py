"""Reading a chat completion request: what is refused, and the question it becomes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.transcript import Shown
from presenters.api.errors import ApiError
from presenters.api.render import closing_text, content
from presenters.api.request import parse, question


def ask(**fields: Any) -> bytes:
    return json.dumps({"model": "bot", **fields}).encode()


def refusal(body: bytes) -> ApiError:
    with pytest.raises(ApiError) as caught:
        question(parse(body))
    return caught.value


def test_the_last_user_message_is_the_question_and_the_rest_its_history() -> None:
    q = question(parse(ask(user="ada", stream=True, temperature=0.2, tools=[],
                           stream_options={"include_usage": True}, messages=[
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": [{"type": "text", "text": "One"},
                                     {"type": "text", "text": "more"}]},
        {"role": "assistant", "content": "Yes."},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "x"}]},
        {"role": "tool", "content": "result", "tool_call_id": "x"},
        {"role": "user", "content": "Two?"}])))
    assert q.text == "Two?" and q.first_user_text == "One\nmore"
    assert q.history == [Shown("user", "One\nmore"), Shown("assistant", "Yes.")]
    assert (q.stream, q.include_usage, q.user) == (True, True, "ada")


@pytest.mark.parametrize(("body", "param", "code"), [
    (b"{nope", None, "invalid_json"),
    (b"\xff\xfe\x00", None, "invalid_json"),
    (ask(), "messages", "missing_required_parameter"),
    (ask(messages=[{"role": "user"}]), "messages", "invalid_value"),
    (ask(messages=[{"role": "user", "content": 3}]), "messages[0].content", "invalid_value"),
    (ask(messages=[{"role": "user", "content": "a"}], stream="maybe"), "stream",
     "invalid_value"),
])
def test_bad_requests_name_the_parameter(body: bytes, param: str | None, code: str) -> None:
    error = refusal(body)
    assert (error.status, error.param, error.code) == (400, param, code)


def test_the_closing_text_lists_notes_apology_and_sources_in_that_order() -> None:
    from contracts.events import Done, Error, Source, Sources, TextDelta
    from contracts.turn_view import TurnView

    view = TurnView()
    for event in (TextDelta(text="Part"), Sources(sources=[Source(n=2, source="a.md")]),
                  Error.apology("It broke.", "abcd1234"), Done(turn_id=1, text="Part")):
        view.apply(event)
    assert content(view) == ("Part\n\n(interrupted)\n\nSorry — it broke. (error id: abcd1234)"
                             "\n\nSources:\n- [2] a.md")
    assert closing_text(view, with_sources=False).endswith("(error id: abcd1234)")


@pytest.mark.parametrize("text", ['say "hi"\n', "naïve 日本 \\ \x00", "", "\x00text\x00"])
def test_a_streamed_text_chunk_is_the_chunk_a_client_would_parse(text: str) -> None:
    from presenters.api.render import Envelope

    envelope = Envelope(id="chatcmpl-1", created=7, model="\x00text\x00")  # named as the cut mark
    encoded = envelope.text_chunk(text)
    assert json.loads(encoded) == envelope.chunk({"content": text})
    assert encoded == json.dumps(envelope.chunk({"content": text}), ensure_ascii=False)
