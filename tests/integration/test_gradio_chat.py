"""The Gradio page through ``gradio_client``: streaming, steps, sources, errors, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.app import Bot
from contracts.llm import LLMRequest
from tests.integration.gradio_helpers import (
    answers,
    chat,
    client,
    gradio_settings,
    running,
    scripted_bot,
    stream,
    text_of,
    titled,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bot, str]]:
    bot = scripted_bot(gradio_settings(tmp_path_factory.mktemp("gradio-chat")))
    with running(bot) as url:
        yield bot, url
    bot.store.close()


def test_answer_arrives_as_streamed_deltas(app: tuple[Bot, str]) -> None:
    _, url = app
    updates = stream(client(url), "slow 12")
    seen = [answers(u)[-1] for u in updates if answers(u)]
    final = " ".join(f"w{i}" for i in range(12))
    assert seen[-1] == final
    partial = [s for s in seen if s != final]
    assert len(set(partial)) >= 3, "the answer should grow on the page, not arrive at once"
    assert all(final.startswith(s) for s in partial)


def test_question_is_shown_and_box_cleared(app: tuple[Bot, str]) -> None:
    _, url = app
    job = client(url).submit("hello there", [], None, api_name="/chat")
    _, messages, sid = job.result()
    boxes = [update[0] for update in job.outputs()]
    # cleared by the first update; later ones leave it alone (a person may type meanwhile)
    assert boxes[0] == "" and all(b == {"__type__": "update"} for b in boxes[1:])
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert text_of(messages[0]) == "hello there"
    assert answers(messages) == ["You said: hello there"]
    assert sid


def test_tool_step_is_collapsible_and_sources_follow_the_answer(app: tuple[Bot, str]) -> None:
    _, url = app
    messages, _ = chat(client(url), "handbook: how to connect slack")
    (step,) = titled(messages, "🔧 handbook")
    assert step["metadata"]["status"] == "done"  # folded once finished
    assert '"query": "slack"' in text_of(step) and "Found 1 passage." in text_of(step)
    (sources,) = titled(messages, "📚 Sources")
    assert "docs/slack.md — Setup" in text_of(sources)
    assert messages.index(sources) > messages.index(step)
    assert answers(messages) == ["Create the Slack app from the manifest [1]."]


def test_backend_error_is_a_readable_message_not_a_traceback(app: tuple[Bot, str]) -> None:
    _, url = app
    messages, _ = chat(client(url), "error please")
    last = text_of(messages[-1])
    assert last.startswith("⚠️ Sorry — ")
    assert "error id: " in last and "Please try again" in last
    assert "Traceback" not in last and "secret body" not in last


def test_conversation_continues_with_the_same_id(app: tuple[Bot, str]) -> None:
    bot, url = app
    c = client(url)
    _, sid = chat(c, "first question")
    messages, sid2 = chat(c, "second question", sid)
    assert sid2 == sid
    assert answers(messages) == ["You said: second question"]
    history = bot.store.history(f"gradio:{sid}")
    assert [t.text for t in history] == ["first question", "You said: first question",
                                         "second question", "You said: second question"]


def test_two_concurrent_clients_never_see_each_others_history(app: tuple[Bot, str]) -> None:
    bot, url = app

    def converse(name: str) -> tuple[list[list[dict]], str]:
        c = client(url)
        first, sid = chat(c, f"wait 0.3 I am {name}")
        second, _ = chat(c, f"wait 0.3 what did {name} say?", sid)
        return [first, second], sid

    with ThreadPoolExecutor(2) as pool:
        (alice, alice_sid), (bob, bob_sid) = pool.map(converse, ["alice", "bob"])
    assert alice_sid != bob_sid
    for seen, other in ((alice, "bob"), (bob, "alice")):
        assert all(other not in text_of(m) for chat_ in seen for m in chat_)
    for sid, name, other in ((alice_sid, "alice", "bob"), (bob_sid, "bob", "alice")):
        texts = [t.text for t in bot.store.history(f"gradio:{sid}")]
        assert len(texts) == 4 and all(other not in t for t in texts)
        assert any(name in t for t in texts)


def test_model_gets_only_its_own_sessions_context(tmp_path: Path) -> None:
    prompts: list[LLMRequest] = []

    def answer(request: LLMRequest):  # type: ignore[no-untyped-def]
        prompts.append(request)
        from tests.integration.gradio_helpers import scripted_answer
        return scripted_answer(request)

    bot = scripted_bot(gradio_settings(tmp_path), answer)
    with running(bot) as url:
        a, b = client(url), client(url)
        _, sid_a = chat(a, "my name is alice")
        chat(b, "my name is bob")
        chat(a, "who am I?", sid_a)
    context = " ".join(m.content for m in prompts[-1].messages)
    assert "alice" in context and "bob" not in context
    bot.store.close()
