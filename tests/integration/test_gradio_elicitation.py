"""An MCP server asks the person mid-call, on the Gradio page: the question shows in the chat
while the answer waits, with a form of the server's fields; Submit sends typed values, Decline
declines, nobody answering in time says so; another browser cannot answer. Driven through
``gradio_client`` (``/chat`` and ``/elicit``) against the SDK-built MCP server that elicits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pytest

from backends.scripted import FunctionLLM, Reply, ScriptedToolCall
from bot.app import Bot
from config import Settings
from config.approvals import ApprovalSettings
from contracts.llm import LLMRequest
from tests.fakes.asgi_loopback import serving_asgi
from tests.fakes.mcp_servers import with_servers
from tests.integration.gradio_helpers import answers, client, gradio_settings, running, text_of

pytest.importorskip("mcp")


def booking(request: LLMRequest) -> Reply:
    """``book <room>`` calls the server's ``book``; then repeats what it returned."""
    last = request.messages[-1]
    if last.role == "tool":
        return Reply(text=f"Tool said: {last.content}")
    question = [m.content for m in request.messages if m.role == "user"][-1]
    if not question.startswith("book"):
        return Reply(text=f"You said: {question}")
    room = question.split()[-1]
    return Reply(tool_calls=[ScriptedToolCall(name="book", arguments={"room": room})])


def booking_bot(settings: Settings, mcp_url: str, timeout_s: float) -> Bot:
    served = with_servers(settings, rooms={"url": mcp_url, "allow": ["book"]})
    served = served.model_copy(update={"approvals": ApprovalSettings(timeout_s=timeout_s)})
    return Bot.from_settings(served, llms={"primary": FunctionLLM(booking, profile="scripted")})




@pytest.fixture(scope="module")
def mcp_url() -> Iterator[str]:
    from tests.fakes.mcp_tool_server import fake_app

    with serving_asgi(fake_app()) as base:
        yield base + "/mcp"


@contextmanager
def page(data_dir: Path, mcp_url: str, timeout_s: float = 120.0) -> Iterator[str]:
    bot = booking_bot(gradio_settings(data_dir), mcp_url, timeout_s)
    try:
        with running(bot) as url:
            yield url
    finally:
        asyncio.run(bot.aclose())


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, mcp_url: str) -> Iterator[str]:
    with page(tmp_path_factory.mktemp("gradio-elicit"), mcp_url) as served:
        yield served


def asked(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The MCP questions a chat shows."""
    return [m for m in messages
            if str((m.get("metadata") or {}).get("id", "")).startswith("elicit:")]


def waiting(messages: list[dict[str, Any]]) -> set[str]:
    return {m["metadata"]["id"].split(":", 1)[1] for m in asked(messages)
            if m["metadata"].get("status") == "pending"}


def chat_answering(c: Any, question: str, *answers_: tuple[str, dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], list[str]]:
    """Ask through ``/chat``; answer each question the page shows, in turn, through ``/elicit``
    with ``answers_`` (action, content); returns the final chat and what ``/elicit`` said."""
    job = c.submit(question, [], None, api_name="/chat")
    said: list[str] = []
    todo = list(answers_)
    for _, messages, sid in job:
        for question_id in waiting(messages):
            while todo and (not said or said[-1] != "Answered."):
                action, content = todo.pop(0)
                said.append(c.predict(question_id, action, json.dumps(content), sid,
                                      api_name="/elicit"))
    _, messages, _ = job.result()
    return messages, said


def test_the_person_answers_in_the_form_and_the_server_gets_typed_values(url: str) -> None:
    messages, said = chat_answering(client(url), "book 4",
                                    ("accept", {"seats": "lots"}), ("accept", {"seats": 6}))
    assert said[0].startswith("Not sent: ") and "give a number" in said[0]  # asked again
    assert said[1] == "Answered."
    assert answers(messages) == ["Tool said: booked 4 for 6"]
    (shown,) = asked(messages)
    assert shown["metadata"]["title"] == "❓ rooms asks"
    assert "How many seats in 4?" in text_of(shown)
    assert "**Answer:** answered (seats: 6)" in text_of(shown)


def test_decline_says_so_and_the_server_is_told(url: str) -> None:
    messages, said = chat_answering(client(url), "book 5", ("decline", {}))
    assert said == ["Answered."]
    assert answers(messages) == ["Tool said: not booked: the person chose decline"]
    assert "**Answer:** declined" in text_of(asked(messages)[0])


def test_another_browser_cannot_answer(url: str) -> None:
    c, stranger = client(url), client(url)
    other_sid = stranger.predict("hello", [], None, api_name="/chat")[2]
    job = c.submit("book 7", [], None, api_name="/chat")
    refused: list[str] = []
    for _, messages, sid in job:
        for question_id in waiting(messages):
            if not refused:
                refused.append(stranger.predict(question_id, "accept", '{"seats": 99}',
                                                other_sid, api_name="/elicit"))
                c.predict(question_id, "accept", '{"seats": 3}', sid, api_name="/elicit")
    _, messages, _ = job.result()
    assert refused == ["No such question is waiting (answered, timed out or ended)."]
    assert answers(messages) == ["Tool said: booked 7 for 3"]


def test_a_question_nobody_answers_times_out_as_declined(
    tmp_path: Path, mcp_url: str
) -> None:
    with page(tmp_path, mcp_url, timeout_s=1.0) as served:
        _, messages, _ = client(served).predict("book 9", [], None, api_name="/chat")
    assert answers(messages) == ["Tool said: not booked: the person chose decline"]
    assert "no answer in time, so it was declined" in text_of(asked(messages)[0])


def test_the_form_has_an_input_of_each_fields_type() -> None:
    import gradio as gr

    from bot.question_form import fields
    from presenters.gradio.elicit import field_input

    schema = {"properties": {"note": {"type": "string"}, "seats": {"type": "integer"},
                             "ok": {"type": "boolean"},
                             "size": {"type": "string", "enum": ["S", "L"]}},
              "required": ["seats"]}
    with gr.Blocks():
        made = [field_input(f) for f in fields(schema)]
    assert [type(m).__name__ for m in made] == ["Textbox", "Number", "Checkbox", "Dropdown"]
    number, dropdown = cast(gr.Number, made[1]), cast(gr.Dropdown, made[3])
    assert number.precision == 0 and number.label == "seats"
    assert made[0].label == "note (optional)" and dropdown.choices == [("S", "S"), ("L", "L")]
