"""Backend faults as a Slack user meets them: real slack_bolt, fake Slack, fault-injecting LLM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt")

from bot.app import Bot
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    openai_server_fixture,  # noqa: F401
)
from tests.fakes.slack_harness import SlackHarness, serving, slack_settings
from tests.fakes.slack_server import FakeSlack


@pytest.fixture
async def slack(openai_server: FakeOpenAI, data_dir: Path) -> AsyncIterator[SlackHarness]:
    fake = await FakeSlack().start()
    bot = Bot.from_settings(slack_settings(openai_settings(data_dir, openai_server,
                                                           max_retries=2), fake))
    try:
        async with serving(fake, bot) as harness:
            yield harness
    finally:
        await bot.aclose()
        await fake.close()


async def test_a_transient_failure_is_invisible_in_slack(
    slack: SlackHarness, openai_server: FakeOpenAI
) -> None:
    openai_server.fail("rate_limit", times=2, retry_after="0")
    ts = await slack.mention("hello")
    answer = await slack.answer("C0GENERAL", ts)
    assert answer.text == "You said: hello"
    assert len(openai_server.chat_requests) == 3


async def test_a_cut_answer_ends_with_the_note_and_the_error_id(
    slack: SlackHarness, openai_server: FakeOpenAI
) -> None:
    openai_server.fail("cut", times=1, after_chars=8)
    ts = await slack.mention("tell me")
    answer = await slack.answer("C0GENERAL", ts)
    assert answer.text.startswith("Partial \n\n_(interrupted)_\n\n")
    assert "Sorry — the answer was cut off" in answer.text and "error id: " in answer.text
    assert len(openai_server.chat_requests) == 1


async def test_a_slack_update_that_times_out_is_logged_and_the_answer_still_lands() -> None:
    from slack_sdk.web.async_client import AsyncWebClient
    from structlog.testing import capture_logs

    from contracts.events import Done, TextDelta
    from contracts.turn_view import TurnView
    from presenters.slack.writers import Target, UpdateWriter
    from tests.fakes.slack_server import BOT_TOKEN

    fake = await FakeSlack().start()
    try:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=0.2)
        writer = UpdateWriter(client, Target("C0GENERAL", "1.0", "T0", "U0"), 0.0, False)
        fake.hang("chat.postMessage", 2.0)  # the first edit outlives the client's timeout
        view = TurnView()
        with capture_logs() as logs:
            view.apply(TextDelta(text="Partial answer"))
            writer.update(view)
            await fake.wait_for(lambda: any(e["event"] == "slack_updates_stopped" for e in logs))
            view.apply(Done(turn_id=None, text="Partial answer"))
            await writer.finish(view)
        stopped = next(e for e in logs if e["event"] == "slack_updates_stopped")
        assert stopped["what"] == "answer edits" and "Timeout" in stopped["error_type"]
        assert "Partial answer" in [m.text for m in fake.thread("C0GENERAL", "1.0")]  # final
    finally:
        await fake.close()
