"""Each channel its own behaviour: answer questions without a mention, only with sources,
hand off to people, or stay silent (real slack_bolt against the fake Slack, both transports)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.slack_docs import DOCS, search
from tests.fakes.slack_harness import running_slack

SUPPORT = {"C0SUPPORT": {"respond": "questions", "only_when_sourced": True,
                         "escalate_to": ["S0HELPERS", "U0CAROL"]}}


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_question_in_a_questions_channel_is_answered_without_a_mention(
    make_bot: Any, settings: Any, mode: str
) -> None:
    channels = {"C0SUPPORT": {"respond": "questions"}}
    async with running_slack(make_bot, settings, "Use the reset page.", mode=mode,
                             channels=channels) as h:
        await h.message("thanks everyone, great meeting", channel="C0SUPPORT")
        await h.message("How do I reset my password?", channel="C0GENERAL")
        ts = await h.message("How do I reset my password?", channel="C0SUPPORT")
        answer = await h.answer("C0SUPPORT", ts)
        assert answer.text == "Use the reset page."
        await h.wait_handled(3)
        assert [m.thread_ts for m in h.fake.messages] == [ts]  # nothing else was answered


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_unsupported_question_gets_the_hand_off_and_tags_the_group(
    make_bot: Any, settings: Any, mode: str
) -> None:
    made_up = "Probably the blue button, I think."
    async with running_slack(make_bot, settings, search("vpn setup"), made_up, mode=mode,
                             tools=DOCS, channels=SUPPORT) as h:
        ts = await h.message("How do I set up the VPN?", channel="C0SUPPORT")
        await h.wait_handled(1)
        (handoff,) = h.answers("C0SUPPORT", ts)
        assert handoff.text.startswith("I couldn't find this in the docs.")
        assert "<!subteam^S0HELPERS>" in handoff.text and "<@U0CAROL>" in handoff.text
        assert "How do I set up the VPN?" in handoff.text and "<@U0ALICE>" in handoff.text
        assert "searched the docs (0 passages found)" in handoff.text
        assert not any(made_up in m.text for m in h.fake.messages)  # never shown, not a moment


async def test_supported_answer_in_a_sourced_channel_shows_linked_sources(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, search("password reset"),
                             "Reset it on the identity page [1].", tools=DOCS,
                             channels=SUPPORT) as h:
        ts = await h.message("How do I reset my password?", channel="C0SUPPORT")
        answer = await h.answer("C0SUPPORT", ts)
        assert answer.text.startswith("Reset it on the identity page [1].")
        links = [e["text"] for b in answer.blocks if b["type"] == "context"
                 for e in b["elements"]]
        assert "<https://docs.example.com/accounts#passwords|[1] Accounts — Passwords>" in links
        assert not any("subteam" in m.text for m in h.fake.messages)


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_unknown_channel_gets_the_default_policy_and_names_match(
    make_bot: Any, settings: Any, mode: str
) -> None:
    channels = {"default": {"respond": "questions"}, "C0ENG": {"respond": "mention"},
                "#announcements": {"respond": "off"}}
    async with running_slack(make_bot, settings, "Answered by default.", "unused", mode=mode,
                             channels=channels) as h:
        h.fake.channel_names.update({"C0ANNOUNCE": "announcements", "C0RANDOM": "random"})
        await h.message("Who owns the build?", channel="C0ENG")
        await h.mention("Who reads this?", channel="C0ANNOUNCE")
        ts = await h.message("Who owns the build?", channel="C0RANDOM")
        assert (await h.answer("C0RANDOM", ts)).text == "Answered by default."
        await h.wait_handled(3)
        assert {m.channel for m in h.fake.messages} == {"C0RANDOM"}


async def test_all_channel_answers_statements_and_off_channel_ignores_mentions(
    make_bot: Any, settings: Any
) -> None:
    channels = {"C0BOTS": {"respond": "all"}, "C0QUIET": {"respond": "off"}}
    async with running_slack(make_bot, settings, "Noted.", "unused", channels=channels) as h:
        await h.mention("are you there?", channel="C0QUIET")
        ts = await h.message("deploying now", channel="C0BOTS")
        assert (await h.answer("C0BOTS", ts)).text == "Noted."
        await h.wait_handled(2)
        assert not h.answers("C0QUIET", ts) and len(h.fake.messages) == 1


async def test_thumbs_down_and_sos_call_people_in(make_bot: Any, settings: Any) -> None:
    channels = {"C0GENERAL": {"escalate_to": ["S0HELPERS"]}}
    async with running_slack(make_bot, settings, "Try turning it off and on.",
                             channels=channels) as h:
        ts = await h.mention("Why is the printer offline?")
        answer = await h.answer("C0GENERAL", ts)
        down = next(b for b in answer.blocks if b["type"] == "actions")["elements"][1]
        await h.push_interactive({
            "type": "block_actions", "team": {"id": "T0FAKE"}, "user": {"id": "U0ALICE"},
            "channel": {"id": "C0GENERAL"}, "message": {"ts": answer.ts, "thread_ts": ts},
            "actions": [{"action_id": down["action_id"], "value": down["value"]}]})
        await h.fake.wait_for(lambda: len(h.answers("C0GENERAL", ts)) == 2)
        handoff = h.answers("C0GENERAL", ts)[1].text
        assert "<!subteam^S0HELPERS>" in handoff and "marked my answer 👎" in handoff
        assert "Why is the printer offline?" in handoff
        await h.push_event({"type": "reaction_added", "user": "U0BOB", "reaction": "sos",
                            "item": {"type": "message", "channel": "C0GENERAL", "ts": answer.ts}})
        await h.fake.wait_for(lambda: len(h.answers("C0GENERAL", ts)) == 3)
        sos = h.answers("C0GENERAL", ts)[2].text
        assert "<@U0BOB> asked for a person (🆘)" in sos and "printer" in sos


async def test_public_answer_without_passages_calls_people_in(make_bot: Any,
                                                              settings: Any) -> None:
    channels = {"default": {"escalate_to": ["U0CAROL"], "escalate_on": ["no_answer"]}}
    async with running_slack(make_bot, settings, search("holiday rota"),
                             "The documents do not cover the holiday rota.", tools=DOCS,
                             channels=channels) as h:
        ts = await h.mention("Who is on the holiday rota?")
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == "The documents do not cover the holiday rota."
        await h.fake.wait_for(lambda: len(h.answers("C0GENERAL", ts)) == 2)
        handoff = h.answers("C0GENERAL", ts)[1].text
        assert handoff.startswith("🆘 <@U0CAROL> — <@U0ALICE> asked something I couldn't find")
        assert "Who is on the holiday rota?" in handoff
