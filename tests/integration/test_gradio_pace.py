"""How many updates an answer sends the page: at most one per ``stream_interval_s`` while it
streams (each costs the server a pass over the chat), yet the text still grows on the page
and the last words, turn id and usage arrive without waiting for another event."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Bot
from tests.integration.gradio_helpers import (
    answers,
    client,
    gradio_settings,
    running,
    scripted_bot,
)

INTERVAL_S = 0.25


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bot, str]]:
    data_dir: Path = tmp_path_factory.mktemp("gradio-pace")
    bot = scripted_bot(gradio_settings(data_dir, stream_interval_s=INTERVAL_S))
    with running(bot) as url:
        yield bot, url
    bot.store.close()


def test_streamed_answer_is_paced_but_still_grows(app: tuple[Bot, str]) -> None:
    _, url = app
    started = time.monotonic()
    job = client(url).submit("slow 24", [], None, api_name="/chat")
    _, messages, _ = job.result()
    elapsed = time.monotonic() - started
    updates = [out[1] for out in job.outputs()]
    final = " ".join(f"w{i}" for i in range(24))
    assert answers(messages) == [final]  # the whole answer, the last words included
    # ~30 chunks 0.05 s apart: unpaced that is 30+ updates; paced, one per interval
    # (plus the question's own update and the closing one)
    assert len(updates) <= elapsed / INTERVAL_S + 3, (len(updates), elapsed)
    partial = {answers(u)[-1] for u in updates if answers(u)} - {final}
    assert len(partial) >= 2, "the answer should still grow on the page"


def test_short_answer_closes_in_the_update_after_its_text(app: tuple[Bot, str]) -> None:
    _, url = app
    job = client(url).submit("wait 0.3", [], None, api_name="/chat")
    _, messages, _ = job.result()
    # the question (box cleared), the text, and one closing update with the turn id: the
    # usage and end of the turn, right behind the text, ride along instead of one each
    assert len(job.outputs()) <= 3
    assert answers(messages) == ["You said: wait 0.3"]
