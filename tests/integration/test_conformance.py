"""Cross-presenter conformance: one scripted conversation through every presenter.

The conversation, the canonical views and the reading helpers are in
tests/conformance/conversation.py. Each presenter has a ``run_<presenter>(bot)`` that drives
its real surface and reads back one :class:`Seen` per question; it must equal what the
Session's own events fold into: same answers, notes, sources, errors, tool steps and usage.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from bot.app import Bot
from config import Settings
from presenters.terminal.chat import TerminalChat
from tests.conformance.conversation import (
    EXPECTED,
    QUESTIONS,
    Seen,
    canonical,
    conversation_bot,
    expected,
    mask,
    seen,
    split_closing,
)


async def test_the_conversation_folds_into_the_views_we_mean(settings: Settings) -> None:
    views = [seen(v) for v in await canonical(settings)]
    assert [v.usage is not None for v in views] == [True] * len(QUESTIONS)
    for view in views:
        view.usage = None
    assert views == EXPECTED


# -- terminal ---------------------------------------------------------------------------------
def parse_terminal(out: str, err: str) -> Seen:
    """stdout: the answer, notes, sources, the apology, [usage]; stderr: the tool steps."""
    lines, kept = out.split("\n"), []
    found: dict[str, Any] = {"notes": [], "sources": [], "error": None, "usage": None}
    for line in lines:
        if line.startswith("[") and line.endswith("]"):
            found["usage"] = mask(line[1:-1])
        elif line.startswith("Sorry — "):
            found["error"] = mask(line)
        elif line in ("(interrupted)", "(no answer)"):
            found["notes"].append(line)
            kept = kept[:-1] if kept and not kept[-1] else kept  # the blank line before it
        elif line.startswith("  [") and "] " in line:
            found["sources"].append(line.split("] ", 1)[1])
        elif line == "Sources:":
            kept = kept[:-1] if kept and not kept[-1] else kept
        else:
            kept.append(line)
    calls = re.findall(r"^  ⚙ (\S+) (.*)$", err, re.M)
    marks = re.findall(r"^  ([→✗]) ", err, re.M)
    steps = [(name, args, "failed" if mark == "✗" else "ok")
             for (name, args), mark in zip(calls, marks, strict=True)]
    approvals = re.findall(r"^  🔐 (.*)$", err, re.M)
    return Seen(answer="\n".join(kept).rstrip("\n"), steps=steps, approvals=approvals, **found)


async def run_terminal(bot: Bot) -> list[Seen]:
    views = []
    for question in QUESTIONS:
        out, err = io.StringIO(), io.StringIO()
        chat = TerminalChat(bot, "conformance", stdin=io.StringIO("y\n"), stdout=out,
                            stderr=err, asks=True)
        await chat.answer(chat.session.send(question))
        views.append(parse_terminal(out.getvalue(), err.getvalue()))
    return views


async def test_the_terminal_shows_the_conversation(settings: Settings) -> None:
    bot = conversation_bot(settings)
    try:
        assert await run_terminal(bot) == await expected(settings)
    finally:
        await bot.aclose()


# -- Slack --------------------------------------------------------------------------------------
def parse_slack(message: Any) -> Seen:
    """The final Slack message: its text, and its Sources and usage context blocks.

    Slack shows tool steps only as the passing "is using…" status line, never in the answer.
    """
    answer, notes, error = split_closing(message.text)
    contexts = [b["elements"] for b in message.blocks if b["type"] == "context"]
    sources = [el["text"].split("] ", 1)[1] for els in contexts for el in els
               if el["text"].startswith("[")]
    usage = [els[0]["text"] for els in contexts if " tokens · " in els[0]["text"]]
    return Seen(answer=answer, notes=notes, sources=sources, error=error, steps=None,
                usage=mask(usage[0]) if usage else None)


async def run_slack(bot: Bot, harness: Any) -> list[Seen]:
    """Mention the bot once per question, in one thread, as a Slack user would; approve the
    tool call that asks (turn 5) with the button."""
    from tests.fakes.slack_harness import is_approval

    def approvals(thread: str | None) -> list[str]:
        return [m.text.removeprefix("🔐 ") for m in harness.answers("C0GENERAL", thread)
                if is_approval(m)]

    views, thread = [], None
    for n, question in enumerate(QUESTIONS, start=1):
        before = len(approvals(thread))
        ts = await harness.mention(question, thread_ts=thread)
        thread = thread or ts
        if question == QUESTIONS[-1]:
            await harness.click(await harness.approval_asked("C0GENERAL", thread),
                                "approval_allow")
        seen = parse_slack(await harness.answer("C0GENERAL", thread, count=n))
        seen.approvals = approvals(thread)[before:]
        views.append(seen)
    return views


@pytest.mark.parametrize("streaming", ["native", "update"])
async def test_slack_shows_the_conversation(settings: Settings, streaming: str) -> None:
    from tests.fakes.slack_harness import serving, slack_settings
    from tests.fakes.slack_server import FakeSlack

    fake = await FakeSlack().start()
    bot = conversation_bot(slack_settings(settings, fake, streaming=streaming))
    try:
        async with serving(fake, bot) as harness:
            assert await run_slack(bot, harness) == await expected(settings, shows_steps=False)
    finally:
        await bot.aclose()
        await fake.close()


# -- Gradio -------------------------------------------------------------------------------------
def parse_gradio(messages: list[dict]) -> Seen:
    """One turn as the Gradio chat showed it: answer, notes, sources, error, steps, usage."""
    from presenters.gradio.render import ERROR_MARK, SOURCES_TITLE, is_answer, text_of

    def titled(title: str) -> list[str]:
        return [text_of(m) for m in messages if (m.get("metadata") or {}).get("title") == title]

    answer = "".join(text_of(m) for m in messages if is_answer(m))
    notes = [text_of(m).strip("_") for m in messages if not m.get("metadata")
             and re.fullmatch(r"_\(.*\)_", text_of(m))]
    sources = [line.split(". ", 1)[1] for text in titled(SOURCES_TITLE)
               for line in text.splitlines()]
    errors = [text_of(m).removeprefix(ERROR_MARK) for m in messages
              if text_of(m).startswith(ERROR_MARK)]
    steps, approvals = [], []
    for m in messages:
        title = (m.get("metadata") or {}).get("title", "")
        if title.startswith(("🔧 ", "⚠️ ")) and "**Arguments**" in text_of(m):
            args = re.search(r"```json\n(.*?)\n```", text_of(m), re.S)
            name = title.split(" ", 1)[1].removesuffix(" failed")
            steps.append((name, args.group(1) if args else "",
                          "failed" if title.endswith(" failed") else "ok"))
            if approval := re.search(r"\*\*Approval:\*\* (.*)", text_of(m)):
                approvals.append(f"{name}: {approval.group(1)}")
    usage = titled("📊 Usage")
    return Seen(answer=answer, notes=notes, sources=sources,
                error=mask(errors[0] if errors else None), steps=steps,
                usage=mask(usage[0]) if usage else None, approvals=approvals)


def run_gradio(bot: Bot) -> list[Seen]:
    """Each question through the launched page's /chat endpoint, as one browser session."""
    from tests.integration.gradio_helpers import chat_deciding, client, launched

    views, sid = [], None
    with launched(bot) as demo:
        c = client(str(demo.local_url))
        for question in QUESTIONS:
            messages, sid = chat_deciding(c, question, sid, allowed=True)
            views.append(parse_gradio(messages[1:]))  # [0] is the question itself
    return views


async def test_gradio_shows_the_conversation(settings: Settings) -> None:
    import asyncio

    want = await expected(settings)
    bot = conversation_bot(settings)
    try:
        assert await asyncio.to_thread(run_gradio, bot) == want
    finally:
        await bot.aclose()


# -- API (OpenAI-compatible) --------------------------------------------------------------------
def parse_api(content: str, turn: dict[str, Any]) -> Seen:
    """The text a client shows (answer, notes, apology, sources) and the ``bot`` field."""
    import json

    from contracts.events import Usage
    from contracts.turn_view import usage_line
    from presenters.api.render import SOURCES_HEADING

    text, _, listed = content.partition(f"\n\n{SOURCES_HEADING}\n")
    if not listed and content.startswith(f"{SOURCES_HEADING}\n"):
        text, listed = "", content.removeprefix(f"{SOURCES_HEADING}\n")
    sources = [line.split("] ", 1)[1] for line in listed.splitlines()]
    assert sources == [f"{s['source']} — {s['heading']}" if s["heading"] else s["source"]
                       for s in turn["sources"]]
    answer, notes, error = split_closing(text)
    steps = [(s["name"], s["arguments"] if isinstance(s["arguments"], str)
              else json.dumps(s["arguments"], ensure_ascii=False),
              "failed" if s["failed"] else "ok") for s in turn["steps"]]
    usage = turn["usage"] and mask(usage_line(Usage(**turn["usage"])))
    approvals = [f"{s['name']}: {s['approval']}" for s in turn["steps"] if s["approval"]]
    return Seen(answer=answer, notes=notes, sources=sources, error=error, steps=steps,
                usage=usage, approvals=approvals)


async def run_api(bot: Bot, stream: bool) -> list[Seen]:
    """Each question through the real server with the real ``openai`` client, which resends
    the whole chat (as Open WebUI does); a failed turn shows its error and nothing else."""
    import openai

    from tests.integration.api_helpers import KEY, serving

    views, chat = [], []
    with serving(bot) as url:
        client = openai.AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0)
        for question in QUESTIONS:
            chat.append({"role": "user", "content": question})
            try:
                content, turn = await _ask_api(client, chat, stream)
            except openai.APIStatusError as exc:
                body = exc.response.json()
                content, turn = body["error"]["message"], body["bot"]
            chat.append({"role": "assistant", "content": content})
            views.append(parse_api(content, turn))
        await client.close()
    return views


async def _ask_api(client: Any, chat: list[dict[str, Any]], stream: bool) -> tuple[str, Any]:
    if not stream:
        done = await client.chat.completions.create(model="bot", messages=chat)
        message = done.choices[0].message
        return message.content, message.model_extra["bot"]
    chunks = [c async for c in await client.chat.completions.create(
        model="bot", messages=chat, stream=True) if c.choices]
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    [turn] = [c.choices[0].delta.model_extra["bot"]["turn"] for c in chunks
              if c.choices[0].finish_reason]
    return content, turn


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_the_api_shows_the_conversation(settings: Settings, stream: bool) -> None:
    from tests.integration.api_helpers import api_settings

    # no person answers an API call: an "ask first" tool gets approvals.default, here allow
    allowing = settings.model_copy(update={
        "approvals": settings.approvals.model_copy(update={"default": "allow"})})
    want = await expected(allowing, headless=True)
    assert want[-1].approvals == ["book_room: allowed by default (no one to ask)"]
    bot = conversation_bot(api_settings(allowing))
    assert await run_api(bot, stream) == want
