"""Approving a tool call on the Gradio page: Approve / Deny under the waiting step, answered
through the browser's own session (``/approve`` for API clients)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.app import Bot
from tests.integration.gradio_helpers import (
    answers,
    chat_deciding,
    client,
    gradio_settings,
    running,
    scripted_bot,
    text_of,
    titled,
    waiting_approvals,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bot, str]]:
    bot = scripted_bot(gradio_settings(tmp_path_factory.mktemp("gradio-approval")))
    with running(bot) as url:
        yield bot, url
    bot.store.close()


def test_approve_runs_the_call_and_the_buttons_go(app: tuple[Bot, str]) -> None:
    _, url = app
    messages, _ = chat_deciding(client(url), "book a room", allowed=True)
    (step,) = titled(messages, "🔧 book_room")
    assert "**Approval:** approved" in text_of(step)
    assert answers(messages) == ["Tool said: room 4 booked"]
    assert waiting_approvals(messages) == set()  # the buttons are gone once answered


def test_deny_keeps_the_call_from_running(app: tuple[Bot, str]) -> None:
    _, url = app
    messages, _ = chat_deciding(client(url), "book a room", allowed=False)
    (step,) = titled(messages, "⚠️ book_room failed")
    assert "**Approval:** denied" in text_of(step)
    assert answers(messages)[0].startswith("Tool said: error: the user denied this call")


def test_another_browser_cannot_answer(app: tuple[Bot, str]) -> None:
    _, url = app
    c, stranger = client(url), client(url)
    _, _, other_sid = stranger.predict("hello", [], None, api_name="/chat")
    job = c.submit("book a room", [], None, api_name="/chat")
    for _, messages, sid in job:
        for request_id in waiting_approvals(messages):
            refused = stranger.predict(request_id, True, other_sid, api_name="/approve")
            assert refused.startswith("No such request")
            assert c.predict(request_id, False, sid, api_name="/approve") == "Answered."
    _, messages, _ = job.result()
    assert "**Approval:** denied" in text_of(titled(messages, "⚠️ book_room")[0])


def test_the_waiting_step_offers_approve_and_deny(app: tuple[Bot, str]) -> None:
    _, url = app
    c = client(url)
    job = c.submit("book a room", [], None, api_name="/chat")
    offered: list[Any] = []
    for _, messages, sid in job:
        for request_id in waiting_approvals(messages):
            offered = messages[-1]["options"]
            assert "**Approval:** waiting for approval" in text_of(messages[-1])
            c.predict(request_id, True, sid, api_name="/approve")
    job.result()
    assert [o["label"] for o in offered] == ["✅ Approve", "❌ Deny"]
