"""The Gradio page's endpoints fuzzed through ``gradio_client``, as any script could call them.

Generated questions (any text, past the input limit), chat histories, browser ids,
feedback indexes, scores and comments. Every call must answer (no error raised to the
caller), and afterwards the store holds no question over ``input.max_chars`` and no
control character, and only ids the server minted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import Bot
from tests.fuzz.fuzz_size import Tally, fuzz_settings
from tests.integration.gradio_helpers import client, gradio_settings, running, scripted_bot

MAX_CHARS = 300
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
TEXT = st.text(max_size=2 * MAX_CHARS)
SIDS = st.none() | st.text(max_size=70) | st.from_regex(r"[A-Za-z0-9_-]{22,64}", fullmatch=True)
PART = st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=50)})
HISTORY = st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]),
                                          "content": st.lists(PART, min_size=1, max_size=2)}),
                   max_size=4)  # Gradio's own message shape (it refuses others itself)
NUMBERS = st.integers(-(10**6), 10**6) | st.floats(-1e9, 1e9)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Bot]]:
    data = Path(tmp_path_factory.mktemp("fuzz-gradio"))
    settings = gradio_settings(data)
    settings = settings.model_copy(update={"input": settings.input.model_copy(
        update={"max_chars": MAX_CHARS})})
    bot = scripted_bot(settings)
    with running(bot) as url:
        yield client(url), bot


def test_the_chat_endpoint_takes_any_question_history_and_id(page: tuple[Any, Bot]) -> None:
    c, bot = page
    with Tally("gradio /chat") as tally:

        @fuzz_settings()
        @given(question=TEXT, history=HISTORY, sid=SIDS)
        def run(question: str, history: list[dict[str, str]], sid: str | None) -> None:
            tally.requests += 1
            _, messages, sid_out = c.predict(question, history, sid, api_name="/chat")
            assert isinstance(messages, list) and re.fullmatch(r"[\w-]{22,64}", sid_out)

        run()
    keys = bot.store.keys()
    turns = [t for key in keys for t in bot.store.history(key)]
    assert all(len(t.text) <= MAX_CHARS for t in turns if t.role == "user")
    assert not any(CONTROL.search(t.text) for t in turns)
    assert all(re.fullmatch(r"gradio:[\w-]{22,64}", key) for key in keys)


def test_feedback_undo_and_clear_take_any_input(page: tuple[Any, Bot]) -> None:
    c, _ = page
    with Tally("gradio /feedback /undo /clear") as tally:

        @fuzz_settings()
        @given(index=NUMBERS, score=NUMBERS, comment=TEXT, sid=SIDS)
        def run(index: float, score: float, comment: str, sid: str | None) -> None:
            tally.requests += 3
            said = c.predict(index, score, comment, sid or "", api_name="/feedback")
            assert said in ("Thanks for your feedback!", "That message cannot take feedback.")
            c.predict(sid or "", api_name="/undo")  # the client needs some value
            c.predict(sid or "", api_name="/clear")

        run()
