"""Private first, shared on purpose; /ask, the message shortcut and the App Home tab."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.slack_harness import SlackHarness, old_ts, running_slack
from tests.fakes.slack_more import Ephemeral
from tests.fakes.slack_server import TEAM

PRIVATE = {"C0GENERAL": {"ephemeral_default": True}}


async def click(h: SlackHarness, note: Ephemeral, action_id: str, user: str = "U0ALICE") -> None:
    (button,) = [e for b in note.blocks if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == action_id]
    await h.push_interactive({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user},
        "channel": {"id": note.channel}, "response_url": note.response_url,
        "container": {"type": "message", "is_ephemeral": True, "channel_id": note.channel},
        "actions": [{"action_id": action_id, "value": button["value"], "type": "button"}]})


async def private_answer(h: SlackHarness, user: str = "U0ALICE") -> Ephemeral:
    await h.fake.wait_for(lambda: bool(h.fake.visible_ephemerals(user)))
    return h.fake.visible_ephemerals(user)[-1]


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_private_answer_shared_by_the_button_appears_in_the_thread(
    make_bot: Any, settings: Any, mode: str
) -> None:
    async with running_slack(make_bot, settings, "The office opens at 9.", mode=mode,
                             channels=PRIVATE) as h:
        ts = await h.mention("When does the office open?")
        note = await private_answer(h)
        assert "The office opens at 9." in note.text and note.thread_ts == ts
        assert not h.answers("C0GENERAL", ts)  # nobody else saw it
        await click(h, note, "answer_share")
        await h.fake.wait_for(lambda: bool(h.answers("C0GENERAL", ts)))
        shared = h.answers("C0GENERAL", ts)[0]
        assert "<@U0ALICE> shared an answer to: _When does the office open?_" in shared.text
        assert "The office opens at 9." in shared.text
        await h.fake.wait_for(lambda: note.gone)


async def test_keep_private_leaves_the_answer_without_buttons(make_bot: Any,
                                                              settings: Any) -> None:
    async with running_slack(make_bot, settings, "Only for you.", channels=PRIVATE) as h:
        ts = await h.mention("a private question")
        note = await private_answer(h)
        await click(h, note, "answer_keep_private")
        await h.fake.wait_for(lambda: not any(b["type"] == "actions" for b in note.blocks))
        assert "Only for you." in note.text and not note.gone
        assert not h.answers("C0GENERAL", ts)
        follow = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}").history()
        assert follow == []  # the thread's own conversation never saw the private answer


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_ask_command_answers_publicly_in_a_thread_and_privately(
    make_bot: Any, settings: Any, mode: str
) -> None:
    async with running_slack(make_bot, settings, "Public answer.", "Private answer.",
                             mode=mode) as h:
        await h.slash("/ask", "what is our VPN?")
        await h.fake.wait_for(lambda: len(h.fake.messages) >= 2
                              and not h.presenter.answerer.inflight)
        question, answer = h.fake.messages[:2]
        assert question.text == "<@U0ALICE> asked: what is our VPN?"
        assert answer.thread_ts == question.ts and answer.text == "Public answer."
        await h.slash("/ask", "--private is my laptop covered?", user="U0BOB")
        note = await private_answer(h, "U0BOB")
        assert "Private answer." in note.text
        assert any(b["type"] == "actions" for b in note.blocks)
        assert len(h.fake.messages) == 2


async def test_ask_command_name_is_configurable_and_empty_ask_explains(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "Via /docs.", ask_command="/docs") as h:
        await h.slash("/docs", "anything")
        await h.fake.wait_for(lambda: len(h.fake.messages) >= 2)
        assert h.fake.messages[1].text == "Via /docs."


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_message_shortcut_answers_privately_with_the_thread_as_context(
    make_bot: Any, settings: Any, mode: str
) -> None:
    async with running_slack(make_bot, settings, "It means the build is red.", mode=mode,
                             thread_read_interval_s=0) as h:
        parent = old_ts()
        said = h.fake.seed_thread("C0GENERAL", parent, [
            ("U0BOB", "CI failed on main again"), ("U0CAROL", "what does exit 137 mean?")])
        await h.push_interactive({
            "type": "message_action", "callback_id": "ask_about_message",
            "trigger_id": "t.9", "team": {"id": TEAM}, "user": {"id": "U0ALICE"},
            "channel": {"id": "C0GENERAL"}, "response_url": h.fake.response_url(),
            "message": {"type": "message", "user": "U0CAROL", "ts": said[1],
                        "thread_ts": parent, "text": "what does exit 137 mean?"}})
        note = await private_answer(h)
        assert "It means the build is red." in note.text
        request = h.bot.models.for_role("primary").requests[-1]  # type: ignore[attr-defined]
        said_to_model = "\n".join(str(m.content) for m in request.messages)
        assert "CI failed on main again" in said_to_model
        assert "what does exit 137 mean?" in said_to_model


async def test_app_home_lists_what_it_can_do_and_recent_questions(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "Sure.") as h:
        await h.answer("C0GENERAL", await h.mention("Where is the style guide?"))
        await h.push_event({"type": "app_home_opened", "user": "U0ALICE", "channel": "D0A",
                            "tab": "home"})
        await h.fake.wait_for(lambda: "U0ALICE" in h.fake.views)
        text = str(h.fake.views["U0ALICE"])
        assert "/ask" in text and "Where is the style guide?" in text
        assert "No limit applies to you." in text


async def test_app_home_shows_the_budget_left_today(make_bot: Any, settings: Any) -> None:
    budgets = settings.budgets.model_copy(update={
        "user": settings.budgets.user.model_copy(update={"tokens_per_day": 10_000})})
    capped = settings.model_copy(update={"budgets": budgets})
    async with running_slack(make_bot, capped, "A short answer.") as h:
        await h.answer("C0GENERAL", await h.mention("How long is the trial?"))
        await h.push_event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
        await h.fake.wait_for(lambda: "U0ALICE" in h.fake.views)
        text = str(h.fake.views["U0ALICE"])
        left = int(text.split(" of 10,000 tokens left today")[0].rsplit("'", 1)[-1]
                   .replace(",", ""))
        assert 0 < left < 10_000  # the answer's tokens were counted against the day
