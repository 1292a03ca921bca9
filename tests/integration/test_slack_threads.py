"""Newest message wins, the thread it is called into, and sources as Slack shows them."""

from __future__ import annotations

from typing import Any

import pytest

from backends.scripted import Reply
from tests.fakes.slack_docs import DOCS, search
from tests.fakes.slack_harness import SlackHarness, old_ts, running_slack
from tests.fakes.slack_server import TEAM

SLOW = Reply(text="Let me explain at length " * 40, chunk_chars=4, delay_s=0.02)


def said_to_model(h: SlackHarness, request: int = -1) -> str:
    req = h.bot.models.for_role("primary").requests[request]  # type: ignore[attr-defined]
    return "\n".join(str(m.content) for m in req.messages)


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_newer_message_from_the_asker_stops_the_answer_and_is_answered(
    make_bot: Any, settings: Any, mode: str
) -> None:
    async with running_slack(make_bot, settings, SLOW, "The short answer: yes.",
                             mode=mode) as h:
        ts = await h.mention("Explain the release process")
        await h.fake.wait_for(lambda: any(len(m.text) > 20 for m in h.answers("C0GENERAL", ts)))
        await h.message("actually, just: can I release on Fridays?", channel="C0GENERAL",
                        thread_ts=ts)
        second = await h.answer("C0GENERAL", ts, count=2)
        first = h.answers("C0GENERAL", ts)[0]
        assert "Stopped: <@U0ALICE> sent a newer message" in first.text
        assert len(first.text) < len(SLOW.text)
        assert second.text == "The short answer: yes."
        context = said_to_model(h)
        assert "Explain the release process" in context and "Fridays" in context
        assert "Let me explain" not in context  # the stopped answer is out of the conversation
        history = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}").history()
        assert [t.role for t in history] == ["user", "user", "assistant"]


async def test_another_persons_message_still_queues(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, SLOW, "Bob's answer.") as h:
        ts = await h.mention("Explain the release process")
        await h.fake.wait_for(lambda: any(len(m.text) > 20 for m in h.answers("C0GENERAL", ts)))
        await h.message("and the hotfix process?", channel="C0GENERAL", thread_ts=ts,
                        user="U0BOB")
        await h.answer("C0GENERAL", ts, count=2)
        first, second = h.answers("C0GENERAL", ts)
        assert first.text == SLOW.text and second.text == "Bob's answer."


async def test_newest_message_wins_can_be_switched_off(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, SLOW, "Second.",
                             channels={"default": {"supersede": False}}) as h:
        ts = await h.mention("Explain the release process")
        await h.fake.wait_for(lambda: any(len(m.text) > 20 for m in h.answers("C0GENERAL", ts)))
        await h.message("and Fridays?", channel="C0GENERAL", thread_ts=ts)
        await h.answer("C0GENERAL", ts, count=2)
        assert h.answers("C0GENERAL", ts)[0].text == SLOW.text


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_mention_mid_thread_answers_with_the_earlier_messages(
    make_bot: Any, settings: Any, mode: str
) -> None:
    async with running_slack(make_bot, settings, "Use the staging token.", "Yes, also there.",
                             mode=mode) as h:
        parent = old_ts()
        h.fake.seed_thread("C0GENERAL", parent, [
            ("U0BOB", "Deploys to staging fail with 401"),
            ("U0CAROL", "Which token does the deploy job use?")])
        ts = await h.mention("can you answer the question above?", thread_ts=parent)
        assert (await h.answer("C0GENERAL", parent)).text == "Use the staging token."
        context = said_to_model(h)
        assert "<@U0BOB>: Deploys to staging fail with 401" in context
        assert "<@U0CAROL>: Which token does the deploy job use?" in context
        await h.mention("and for production?", thread_ts=parent)
        await h.answer("C0GENERAL", parent, count=2)
        assert len(h.fake.calls_to("conversations.replies")) == 1  # read once, then the store
        assert ts != parent


async def test_a_long_thread_is_read_in_part_and_says_so(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "From what I read: no.") as h:
        parent = old_ts()
        h.fake.seed_thread("C0GENERAL", parent, [("U0BOB", f"message {i}") for i in range(30)])
        await h.mention("summarise this thread", thread_ts=parent)
        answer = await h.answer("C0GENERAL", parent)
        assert "I could read only the first 15 messages of this thread" in answer.text
        assert "message 13" in said_to_model(h) and "message 20" not in said_to_model(h)


async def test_thread_reads_stay_within_once_a_minute(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "One.", "Two.") as h:
        h.fake.replies_per_minute = 1
        first, second = old_ts(), old_ts()
        for parent in (first, second):
            h.fake.seed_thread("C0GENERAL", parent, [("U0BOB", "an old question?")])
            await h.mention("the question above?", thread_ts=parent)
            await h.answer("C0GENERAL", parent)
        assert len(h.fake.calls_to("conversations.replies")) == 1  # never hit the 429
        note = h.answers("C0GENERAL", second)[0].text
        assert "I couldn't read this thread's earlier messages just now" in note


async def test_sources_show_as_plan_tasks_and_url_elements(make_bot: Any,
                                                           settings: Any) -> None:
    async with running_slack(make_bot, settings, search("password"), "Reset it [1].",
                             tools=DOCS) as h:
        ts = await h.mention("How do I reset my password?")
        answer = await h.answer("C0GENERAL", ts)
        assert answer.streamed and answer.text.startswith("Reset it [1].")
        searching = [t for t in answer.tasks if t["title"] == "Searching the docs"]
        assert [t["status"] for t in searching][-1] == "complete"
        assert searching[-1]["output"] == "read 1 passages"
        (sources,) = [t for t in answer.tasks if t["id"] == "sources"]
        assert sources["sources"] == [{"type": "url", "text": "[1] Accounts — Passwords",
                                       "url": "https://docs.example.com/accounts#passwords"}]
        start = h.fake.calls_to("chat.startStream")[0].args
        assert start["task_display_mode"] == "plan"
