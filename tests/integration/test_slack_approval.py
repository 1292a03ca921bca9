"""Approving a tool call in Slack: buttons in the thread for the person who asked."""

from __future__ import annotations

import copy
from typing import Any

from backends.scripted import Reply, ScriptedToolCall
from tests.conformance.conversation import BookRoom
from tests.fakes.slack_harness import approval_buttons, running_slack

BOOK = Reply(tool_calls=[ScriptedToolCall(name="book_room", arguments={"room": 4})])
CHANNEL = "C0GENERAL"


def booking(make_bot: Any) -> Any:
    def make(*replies: Any, **kwargs: Any) -> Any:
        return make_bot(*replies, tools={"book_room": BookRoom()}, **kwargs)
    return make


def tool_message(h: Any) -> str:
    return h.bot.models.for_role("primary").requests[-1].messages[-1].content


async def test_the_asker_approves_with_the_button(make_bot: Any, settings: Any) -> None:
    async with running_slack(booking(make_bot), settings, BOOK, "Booked room 4.") as h:
        ts = await h.mention("book a room")
        asked = await h.approval_asked(CHANNEL, ts)
        assert "may I run *book_room* with `{\"room\": 4}`" in asked.text
        assert "<@U0ALICE>" in asked.text
        waiting = "is waiting for approval to use book_room…"
        await h.fake.wait_for(lambda: waiting in [
            c.args["status"] for c in h.fake.calls_to("assistant.threads.setStatus")])
        await h.click(asked, "approval_allow")
        answer = await h.answer(CHANNEL, ts)
        assert answer.text == "Booked room 4." and tool_message(h) == "room 4 booked"
        assert asked.text == "🔐 book_room: approved"  # the question, edited
        assert approval_buttons(asked) == []
        assert "answered by <@U0ALICE>" in str(asked.blocks)


async def test_deny_keeps_the_call_from_running(make_bot: Any, settings: Any) -> None:
    async with running_slack(booking(make_bot), settings, BOOK, "I did not book it.") as h:
        ts = await h.mention("book a room")
        asked = await h.approval_asked(CHANNEL, ts)
        await h.click(asked, "approval_deny")
        await h.answer(CHANNEL, ts)
        assert "the user denied this call to book_room" in tool_message(h)
        assert asked.text == "🔐 book_room: denied"


async def test_only_the_asker_may_answer(make_bot: Any, settings: Any) -> None:
    async with running_slack(booking(make_bot), settings, BOOK, "Booked.") as h:
        ts = await h.mention("book a room", user="U0ALICE")
        asked = await h.approval_asked(CHANNEL, ts)
        await h.click(asked, "approval_allow", user="U0MALLORY")
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.postEphemeral"))
        note = h.fake.calls_to("chat.postEphemeral")[0].args
        assert note["user"] == "U0MALLORY" and "Only <@U0ALICE>" in note["text"]
        assert approval_buttons(asked)  # still waiting for Alice
        await h.click(asked, "approval_allow", user="U0ALICE")
        await h.answer(CHANNEL, ts)
        assert tool_message(h) == "room 4 booked"


async def test_no_answer_in_time_denies_and_says_so(make_bot: Any, settings: Any) -> None:
    quick = settings.model_copy(update={"approvals": settings.approvals.model_copy(
        update={"timeout_s": 0.5})})
    async with running_slack(booking(make_bot), quick, BOOK, "Nobody answered.") as h:
        ts = await h.mention("book a room")
        asked = await h.approval_asked(CHANNEL, ts)
        as_first_shown = copy.deepcopy(asked)
        await h.answer(CHANNEL, ts)
        assert asked.text == "🔐 book_room: denied: no answer in time"
        await h.click(as_first_shown, "approval_allow")  # a page not yet refreshed: too late
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.postEphemeral"))
        assert "no longer waiting" in h.fake.calls_to("chat.postEphemeral")[0].args["text"]
