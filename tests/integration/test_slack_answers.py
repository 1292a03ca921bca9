"""Where the Slack bot answers, and where it keeps quiet (real slack_bolt against a fake Slack)."""

from __future__ import annotations

from typing import Any

from structlog.testing import capture_logs

from backends.scripted import Reply
from tests.fakes.slack_harness import running_slack
from tests.fakes.slack_server import BOT_ID, BOT_USER, TEAM

ANSWER = "Paris is the **capital** of France."


async def test_mention_gets_a_streamed_answer_in_its_thread(make_bot: Any, settings: Any) -> None:
    reply = Reply(text=ANSWER, chunk_chars=3, delay_s=0.02)
    async with running_slack(make_bot, settings, reply) as h:
        ts = await h.mention("What is the capital of France?")
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == ANSWER
        assert answer.streamed
        appended = h.fake.calls_to("chat.appendStream", ok_only=True)
        assert h.fake.calls_to("chat.startStream") and len(appended) >= 1
        assert h.fake.calls_to("chat.stopStream", ok_only=True)
        assert h.fake.calls_to("assistant.threads.setStatus")[0].args["status"] == "is thinking…"
        history = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}").history()
        assert [t.text for t in history] == ["What is the capital of France?", ANSWER]
        buttons = [b for b in answer.blocks if b["type"] == "actions"]
        assert buttons and buttons[0]["elements"][0]["value"] == str(history[1].id)


async def test_direct_message_is_answered(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Hello from the bot.") as h:
        ts = await h.message("hi there", channel="D0ALICE", channel_type="im")
        answer = await h.answer("D0ALICE", ts)
        assert answer.text == "Hello from the bot."


async def test_follow_up_in_answered_thread_uses_the_thread_history(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "It is Paris.", "About 2.1 million.") as h:
        ts = await h.mention("What is the capital of France?")
        await h.answer("C0GENERAL", ts)
        await h.message("And its population?", channel="C0GENERAL", thread_ts=ts)
        second = await h.answer("C0GENERAL", ts, count=2)
        assert second.text == "About 2.1 million."
        request = h.bot.models.for_role("primary").requests[-1]  # type: ignore[attr-defined]
        said = [m.content for m in request.messages]
        assert "What is the capital of France?" in said and "It is Paris." in said


async def test_thread_reply_without_mention_elsewhere_is_ignored(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "unused") as h:
        await h.message("chatting among humans", channel="C0GENERAL", thread_ts="1500000000.1")
        await h.wait_handled(1)
        assert not h.fake.messages


async def test_follow_ups_can_be_switched_off(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "It is Paris.", "unused",
                             answer_followups=False) as h:
        ts = await h.mention("Capital of France?")
        await h.answer("C0GENERAL", ts)
        await h.message("And its population?", channel="C0GENERAL", thread_ts=ts)
        await h.fake.wait_for(lambda: len(h.handled) >= 1)
        assert len(h.answers("C0GENERAL", ts)) == 1


async def test_own_and_other_bots_messages_get_no_answer(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "the only answer") as h:
        await h.message("my own words", channel="D0ALICE", channel_type="im",
                        user=BOT_USER, bot_id=BOT_ID)
        await h.message("another bot", channel="D0ALICE", channel_type="im",
                        user="U0OTHERBOT", bot_id="B0OTHER")
        await h.push_event({"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER",
                            "text": "beep", "ts": "1600000999.000001", "channel": "D0ALICE",
                            "channel_type": "im"})
        ts = await h.message("a human asks", channel="D0ALICE", channel_type="im")
        await h.answer("D0ALICE", ts)
        await h.fake.wait_for(lambda: len(h.fake.acks) == 4)
        assert [m.text for m in h.fake.messages] == ["the only answer"]
        assert len(h.bot.models.for_role("primary").requests) == 1  # type: ignore[attr-defined]


async def test_other_bots_can_be_answered_when_configured(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Hi, fellow bot.", ignore_bots=False) as h:
        ts = await h.message("ping", channel="D0ALICE", channel_type="im",
                             user="U0OTHERBOT", bot_id="B0OTHER")
        assert (await h.answer("D0ALICE", ts)).text == "Hi, fellow bot."


async def test_channel_allow_list(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Allowed here.",
                             allowed_channels=["C0ALLOWED"]) as h:
        await h.mention("anyone?", channel="C0RANDOM")
        ts = await h.mention("anyone?", channel="C0ALLOWED")
        assert (await h.answer("C0ALLOWED", ts)).text == "Allowed here."
        assert not h.answers("C0RANDOM", ts) and all(
            m.channel == "C0ALLOWED" for m in h.fake.messages)


async def test_second_message_in_a_thread_queues_behind_the_first(
    make_bot: Any, settings: Any
) -> None:
    first = Reply(text="first answer, slowly", chunk_chars=2, delay_s=0.03)
    async with running_slack(make_bot, settings, first, "second answer") as h:
        ts = await h.mention("one")
        await h.mention("two", thread_ts=ts)
        second = await h.answer("C0GENERAL", ts, count=2)
        texts = [m.text for m in h.answers("C0GENERAL", ts)]
        assert texts == ["first answer, slowly", "second answer"] and second.text == texts[1]
        history = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}").history()
        assert [t.text for t in history] == ["one", "first answer, slowly", "two",
                                             "second answer"]


async def test_backend_failure_gives_an_apology_with_error_id(make_bot: Any, settings: Any) -> None:
    broken = Reply(error=RuntimeError("upstream exploded with a secret stack"))
    async with running_slack(make_bot, settings, broken) as h:
        ts = await h.mention("Will this work?")
        answer = await h.answer("C0GENERAL", ts)
        history = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}").history()
        error_id = history[-1].error_id
        assert error_id and f"error id: {error_id}" in answer.text
        assert answer.text.startswith("Sorry")
        assert "exploded" not in answer.text and "Traceback" not in answer.text


async def test_bare_mention_gets_a_hint_not_a_model_call(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings) as h:
        ts = await h.mention("")
        answer = await h.answer("C0GENERAL", ts)
        assert "Ask me a question" in answer.text
        assert not h.bot.models.for_role("primary").requests  # type: ignore[attr-defined]


async def test_usage_footer_when_configured(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Counted.", "Uncounted.", show_usage=True) as h:
        ts = await h.mention("count my tokens")
        answer = await h.answer("C0GENERAL", ts)
        footer = [e["text"] for b in answer.blocks if b["type"] == "context"
                  for e in b["elements"]]
        assert any(" in / 1 out tokens" in t and "scripted/scripted" in t for t in footer)
    async with running_slack(make_bot, settings, "Quiet.") as h:
        ts = await h.mention("no stats please")
        answer = await h.answer("C0GENERAL", ts)
        assert not [b for b in answer.blocks if b["type"] == "context"]


async def test_slack_api_errors_are_logged_with_method_and_code(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "Nobody will see this.") as h:
        h.fake.fail("chat.startStream", "not_in_channel")
        h.fake.fail("chat.postMessage", "not_in_channel", times=5)
        with capture_logs() as logs:
            ts = await h.mention("are you there?")
            await h.wait_handled(1)
        failures = {(e["method"], e["error"]) for e in logs if "method" in e}
        assert ("chat.startStream", "not_in_channel") in failures
        assert ("chat.postMessage", "not_in_channel") in failures
        assert not h.answers("C0GENERAL", ts)


async def test_very_long_answers_stream_in_pieces_slack_accepts(
    make_bot: Any, settings: Any
) -> None:
    long_text = "word " * 6000  # 30,000 characters arriving at once
    async with running_slack(make_bot, settings, Reply(text=long_text, chunk_chars=30000)) as h:
        ts = await h.mention("write a lot")
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == long_text
        sizes = [len(c.args.get("markdown_text") or str(c.args.get("chunks")))
                 for c in h.fake.calls if c.method.endswith("Stream")]
        assert max(sizes) <= 12000
