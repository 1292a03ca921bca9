"""Backend faults as a web user meets them: the Gradio page over the fault-injecting server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Bot
from config import load_settings
from tests.fakes.openai_profiles import fake_profile
from tests.fakes.openai_server import FakeOpenAI
from tests.integration.gradio_helpers import answers, chat, client, running, text_of


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def app(server: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("gradio-faults")
    with pytest.MonkeyPatch.context() as mp:  # module fixtures run outside clean_environment
        mp.chdir(data_dir)
        settings = load_settings(data_dir=data_dir, tools=[], roles={"primary": "fake"},
                                 profiles={"fake": fake_profile(server, max_retries=2)},
                                 gradio={"stream_interval_s": 0})
    bot = Bot.from_settings(settings)
    with running(bot) as url:
        yield url
    bot.store.close()


def test_a_transient_failure_is_invisible_on_the_page(server: FakeOpenAI, app: str) -> None:
    before = len(server.chat_requests)
    server.fail("unavailable", times=2)
    messages, _ = chat(client(app), "hello")
    assert answers(messages)[-1] == "You said: hello"
    assert not any("error id" in text_of(m) for m in messages)
    assert len(server.chat_requests) - before == 3


def test_a_cut_answer_shows_the_note_and_a_polite_error(server: FakeOpenAI, app: str) -> None:
    server.fail("cut", times=1, after_chars=8)
    messages, _ = chat(client(app), "tell me")
    shown = [text_of(m) for m in messages if m["role"] == "assistant"]
    assert shown[-3:-1] == ["Partial ", "_(interrupted)_"]  # the text, then the note
    error = shown[-1]
    assert "Sorry — the answer was cut off" in error and "error id: " in error
    assert "Traceback" not in "".join(shown)
