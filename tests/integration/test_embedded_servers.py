"""A worker killed mid-answer while Gradio or Slack serves: the server stays up and answers."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from backends.llamacpp_backend import LlamaCppBackend
from bot.app import Bot
from config import Settings, load_settings
from tests.fakes.slack_harness import serving, slack_settings
from tests.fakes.slack_server import FakeSlack

pytestmark = pytest.mark.embedded
STORY = "Write a long story about a lighthouse keeper and her cat."
MODEL_S = 180.0  # a deadline for the real model on a loaded machine, not a timing assertion


def embedded_settings(data_dir: Path, **extra: Any) -> Settings:
    return load_settings(data_dir=data_dir, tools=[], agent="tools",
                         profiles={"local": {"max_tokens": 200}}, **extra)


def backend_of(bot: Bot) -> LlamaCppBackend:
    backend = bot.models.backend("local")
    assert isinstance(backend, LlamaCppBackend)
    return backend


def test_the_gradio_page_survives_a_worker_crash_mid_answer(data_dir: Path) -> None:
    from tests.integration.gradio_helpers import answers, chat, client, running, wait_for

    bot = Bot.from_settings(embedded_settings(data_dir, gradio={"stream_interval_s": 0}))
    backend = backend_of(bot)
    with running(bot) as url:
        c = client(url)
        job = c.submit(STORY, [], None, api_name="/chat")
        wait_for(lambda: backend.worker_pid and job.outputs(), timeout_s=MODEL_S)
        os.kill(backend.worker_pid or 0, signal.SIGSEGV)
        crashed = job.result()[1]
        after, _ = chat(c, "What is the capital of France?")
    shown = str(crashed)
    assert "Sorry" in shown and "error id" in shown and "Traceback" not in shown
    assert "Paris" in answers(after)[-1]


async def test_the_slack_app_survives_a_worker_crash_mid_answer(data_dir: Path) -> None:
    fake = await FakeSlack().start()
    bot = Bot.from_settings(slack_settings(embedded_settings(data_dir), fake))
    backend = backend_of(bot)
    try:
        async with serving(fake, bot) as h:
            ts = await h.mention(STORY)
            await fake.wait_for(lambda: backend.worker_pid is not None
                                and any(m.text for m in h.answers("C0GENERAL", ts)), MODEL_S)
            await asyncio.sleep(0.2)
            os.kill(backend.worker_pid or 0, signal.SIGILL)
            crashed = await h.answer("C0GENERAL", ts, timeout=MODEL_S)
            ts2 = await h.mention("What is the capital of France?")
            after = await h.answer("C0GENERAL", ts2, timeout=MODEL_S)
    finally:
        await fake.close()
        await bot.aclose()
    assert "error id" in crashed.text and "Traceback" not in crashed.text
    assert "Paris" in after.text
