"""Cross-presenter conformance: one scripted conversation through every presenter.

The conversation, the expected views and the Bot factory are in
tests/conformance/conversation.py. Each presenter adds a ``run_<presenter>(bot)`` that
drives its real surface and returns one TurnView per question, and a test asserting it
equals EXPECTED (so all presenters show the same answers, sources and errors).
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.app import Bot
from config import Settings
from presenters.terminal.chat import TerminalChat
from tests.conformance.conversation import (
    EXPECTED,
    QUESTIONS,
    TurnView,
    conversation_bot,
    mask_error_id,
)


def parse_terminal(output: str) -> TurnView:
    text, _, sources = output.partition("\n\nSources:\n")
    if text.startswith("Sorry — "):
        return TurnView(answer="", error=mask_error_id(text.strip()))
    labels = [line.split("] ", 1)[1] for line in sources.splitlines() if "] " in line]
    return TurnView(answer=text.strip(), sources=labels)


async def run_terminal(bot: Bot) -> list[TurnView]:
    views = []
    for question in QUESTIONS:
        out = io.StringIO()
        chat = TerminalChat(bot, "conformance", stdin=io.StringIO(""), stdout=out,
                            stderr=io.StringIO())
        await chat.answer(chat.session.send(question))
        views.append(parse_terminal(out.getvalue()))
    return views


async def test_terminal_renders_the_conversation(settings: Settings) -> None:
    bot = conversation_bot(settings)
    try:
        assert await run_terminal(bot) == EXPECTED
    finally:
        await bot.aclose()


def parse_slack(message: Any) -> TurnView:
    """The final Slack message: its text, and the labels in its Sources context block."""
    if message.text.startswith("Sorry — "):
        return TurnView(answer="", error=mask_error_id(message.text.strip()))
    labels = [el["text"].split("] ", 1)[1] for block in message.blocks
              if block["type"] == "context" for el in block["elements"] if "] " in el["text"]]
    return TurnView(answer=message.text.strip(), sources=labels)


async def run_slack(bot: Bot, harness: Any) -> list[TurnView]:
    """Mention the bot once per question, in one thread, as a Slack user would."""
    views, thread = [], None
    for n, question in enumerate(QUESTIONS, start=1):
        ts = await harness.mention(question, thread_ts=thread)
        thread = thread or ts
        views.append(parse_slack(await harness.answer("C0GENERAL", thread, count=n)))
    return views


@pytest.mark.parametrize("streaming", ["native", "update"])
async def test_slack_renders_the_conversation(settings: Settings, streaming: str) -> None:
    from tests.fakes.slack_harness import serving, slack_settings
    from tests.fakes.slack_server import FakeSlack

    fake = await FakeSlack().start()
    bot = conversation_bot(slack_settings(settings, fake, streaming=streaming))
    try:
        async with serving(fake, bot) as harness:
            assert await run_slack(bot, harness) == EXPECTED
    finally:
        await bot.aclose()
        await fake.close()


def parse_gradio(messages: list[dict]) -> TurnView:
    """One turn as the Gradio chat showed it: answer text, the sources list, the error."""
    from presenters.gradio.render import ERROR_MARK, SOURCES_TITLE, is_answer, text_of

    answer = "".join(text_of(m) for m in messages if is_answer(m))
    sources = [line.split(". ", 1)[1] for m in messages
               if (m.get("metadata") or {}).get("title") == SOURCES_TITLE
               for line in text_of(m).splitlines()]
    errors = [text_of(m).removeprefix(ERROR_MARK) for m in messages
              if text_of(m).startswith(ERROR_MARK)]
    error = mask_error_id(errors[0] if errors else None)
    return TurnView(answer=answer, sources=sources, error=error)


def run_gradio(bot: Bot) -> list[TurnView]:
    """Each question through the launched page's /chat endpoint, as one browser session."""
    from tests.integration.gradio_helpers import client, launched

    views, sid = [], None
    with launched(bot) as demo:
        c = client(str(demo.local_url))
        for question in QUESTIONS:
            _, messages, sid = c.predict(question, [], sid, api_name="/chat")
            views.append(parse_gradio(messages[1:]))  # [0] is the question itself
    return views


def test_gradio_renders_the_conversation(settings: Settings) -> None:
    import asyncio

    bot = conversation_bot(settings)
    try:
        assert run_gradio(bot) == EXPECTED
    finally:
        asyncio.run(bot.aclose())
