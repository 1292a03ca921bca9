"""Stop, retry, undo, clear and feedback on the Gradio page, through ``gradio_client``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from typing import Any

import pytest

from backends.scripted import FunctionLLM
from bot.app import Bot
from contracts.llm import LLMChunk, LLMRequest
from tests.conformance.conversation import HandbookLookup
from tests.integration.gradio_helpers import (
    answers,
    chat,
    client,
    gradio_settings,
    running,
    scripted_answer,
    text_of,
    wait_for,
)


class ClosingProbe(FunctionLLM):
    """The scripted backend, noting when a request's stream is closed before its end."""

    def __init__(self) -> None:
        super().__init__(scripted_answer, profile="scripted")
        self.closed_early = 0

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        finished = False
        try:
            async for chunk in super().stream(request):
                yield chunk
            finished = True
        finally:
            self.closed_early += not finished


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bot, str, ClosingProbe]]:
    probe = ClosingProbe()
    settings = gradio_settings(tmp_path_factory.mktemp("gradio-controls"))
    tools: dict[str, Any] = {"handbook": HandbookLookup()}
    bot = Bot.from_settings(settings, llms={"primary": probe}, tools=tools)
    with running(bot) as url:
        yield bot, url, probe
    bot.store.close()


def turns(bot: Bot, sid: str) -> list[Any]:
    return bot.store.history(f"gradio:{sid}")


def test_stop_cancels_the_answer_and_stores_it_interrupted(app: tuple[Bot, str, Any]) -> None:
    bot, url, probe = app
    c = client(url)
    _, sid = chat(c, "hello")
    job = c.submit("slow 200", [], sid, api_name="/chat")
    wait_for(lambda: any(answers(out[1]) for out in job.outputs()))
    job.cancel()
    stored = wait_for(lambda: [t for t in turns(bot, sid) if t.interrupted])
    assert stored, "the stopped answer should be stored, flagged interrupted"
    (turn,) = stored
    assert turn.text and turn.text != " ".join(f"w{i}" for i in range(200))
    assert probe.closed_early >= 1, "the upstream request should be closed"


def test_retry_replaces_the_last_answer(app: tuple[Bot, str, Any]) -> None:
    bot, url, probe = app
    c = client(url)
    _, sid = chat(c, "first")
    chat(c, "second", sid)
    messages, _ = c.predict([], sid, api_name="/retry")
    assert answers(messages) == ["You said: second"]
    assert [t.text for t in turns(bot, sid)] == ["first", "You said: first", "second",
                                                 "You said: second"]
    asked = [r.messages[-1].content for r in probe.requests]
    assert asked[-3:] == ["first", "second", "second"]  # the question went to the model again


def test_undo_takes_back_the_last_exchange(app: tuple[Bot, str, Any]) -> None:
    bot, url, _ = app
    c = client(url)
    _, sid = chat(c, "keep me")
    chat(c, "take me back", sid)
    box, messages = c.predict(sid, api_name="/undo")
    assert box == "take me back"  # the question returns to the text box
    assert [text_of(m) for m in messages] == ["keep me", "You said: keep me"]
    assert [t.text for t in turns(bot, sid)] == ["keep me", "You said: keep me"]


def test_clear_starts_a_new_conversation(app: tuple[Bot, str, Any]) -> None:
    bot, url, _ = app
    c = client(url)
    _, sid = chat(c, "old topic")
    assert c.predict(sid, api_name="/clear") == []
    assert turns(bot, sid) == []
    chat(c, "new topic", sid)
    assert [t.text for t in turns(bot, sid)] == ["new topic", "You said: new topic"]


def test_feedback_with_comment_lands_in_the_store(app: tuple[Bot, str, Any]) -> None:
    bot, url, _ = app
    c = client(url)
    messages, sid = chat(c, "rate me")
    answer_index = len(messages) - 1
    said = c.predict(answer_index, -1, "too short", sid, api_name="/feedback")
    assert "Thanks" in said
    answer_turn = turns(bot, sid)[-1]
    (row,) = bot.store.feedback(answer_turn.id)
    assert (row.score, row.comment) == (-1, "too short")
    c.predict(answer_index, 1, "", sid, api_name="/feedback")
    assert [(r.score, r.comment) for r in bot.store.feedback(answer_turn.id)] == [
        (-1, "too short"), (1, None)]


def test_feedback_only_for_answers_of_this_session(app: tuple[Bot, str, Any]) -> None:
    bot, url, _ = app
    alice, mallory = client(url), client(url)
    _, sid = chat(alice, "my answer")
    answer_turn = turns(bot, sid)[-1]
    said = mallory.predict(1, -1, "spam", sid, api_name="/feedback")  # no answers of its own
    assert "cannot" in said
    assert alice.predict(0, 1, "", sid, api_name="/feedback") == said  # a question, not an answer
    assert bot.store.feedback(answer_turn.id) == []
