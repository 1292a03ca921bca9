"""Exactly one answer per Slack message: retries, reconnects, rate limits, streaming fallback."""

from __future__ import annotations

from typing import Any

from backends.scripted import Reply
from tests.fakes.slack_harness import new_ts, running_slack
from tests.fakes.slack_server import BOT_USER

SLOW = Reply(text="A steady answer that takes a little while to stream out.", chunk_chars=2,
             delay_s=0.03)
SLOWER = Reply(text="An answer that is still streaming while the socket comes back.",
               chunk_chars=2, delay_s=0.1)


async def test_redelivered_event_is_answered_once(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Only once.", "never twice") as h:
        ts = new_ts()
        event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> hi",
                 "ts": ts, "channel": "C0GENERAL", "event_ts": ts}
        for attempt in range(4):
            await h.push_event(event, event_id="Ev0SAME", retry_attempt=attempt)
        await h.wait_handled(4)
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == "Only once."
        assert len(h.answers("C0GENERAL", ts)) == 1
        assert len(h.bot.models.for_role("primary").requests) == 1  # type: ignore[attr-defined]
        assert len(h.fake.acks) == 4  # every delivery is acked, duplicates included


async def test_retry_whose_original_never_arrived_is_answered(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "Got it the second time.") as h:
        ts = new_ts()
        event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> hi",
                 "ts": ts, "channel": "C0GENERAL", "event_ts": ts}
        await h.push_event(event, event_id="Ev0LOST", retry_attempt=2)
        assert (await h.answer("C0GENERAL", ts)).text == "Got it the second time."


async def test_socket_reconnect_mid_turn_completes_the_answer_once(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, SLOWER, "never twice") as h:
        ts = new_ts()
        event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> go",
                 "ts": ts, "channel": "C0GENERAL", "event_ts": ts}
        await h.push_event(event, event_id="Ev0RECONNECT")
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.appendStream"))
        await h.fake.drop_connection()
        await h.fake.wait_connected(2)
        assert h.answers("C0GENERAL", ts)[0].streaming  # the turn is still going
        await h.push_event(event, event_id="Ev0RECONNECT", retry_attempt=1)  # redelivery
        await h.wait_handled(2)
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == SLOWER.text
        assert len(h.answers("C0GENERAL", ts)) == 1
        assert len(h.bot.models.for_role("primary").requests) == 1  # type: ignore[attr-defined]
        assert h.fake.connections == 2


async def test_rate_limited_update_waits_and_leaves_one_final_message(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, SLOW, streaming="update") as h:
        h.fake.rate_limit("chat.update", times=1, retry_after=1)
        ts = await h.mention("go")
        answer = await h.answer("C0GENERAL", ts)
        updates = h.fake.calls_to("chat.update")
        limited = [c for c in updates if c.status == 429]
        assert limited, "the fake should have rate-limited one chat.update"
        retried = next(c for c in updates if c.at > limited[0].at)
        assert retried.status == 200 and retried.at - limited[0].at >= 0.9  # Retry-After: 1
        assert answer.text == SLOW.text and answer.edits >= 1
        assert len(h.fake.calls_to("chat.postMessage")) == 1
        assert len(h.answers("C0GENERAL", ts)) == 1


async def test_rate_limited_first_post_posts_once(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Short answer.", streaming="update") as h:
        h.fake.rate_limit("chat.postMessage", times=2, retry_after=1)
        ts = await h.mention("go")
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == "Short answer."
        assert len(h.fake.calls_to("chat.postMessage", ok_only=True)) == 1


async def test_update_fallback_when_native_streaming_is_unavailable(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, SLOW, "Second, straight to updates.") as h:
        h.fake.fail("chat.startStream", "unknown_method")
        ts = await h.mention("go")
        answer = await h.answer("C0GENERAL", ts)
        assert answer.text == SLOW.text and not answer.streamed
        ts2 = await h.mention("again")
        assert (await h.answer("C0GENERAL", ts2)).text == "Second, straight to updates."
        assert len(h.fake.calls_to("chat.startStream")) == 1  # not retried once known missing


async def test_update_mode_edits_one_message_with_mrkdwn(make_bot: Any, settings: Any) -> None:
    table = "Sizes:\n\n| name | size |\n|---|---|\n| **small** | 1 |\n| large | 10 |\n"
    reply = Reply(text=table, chunk_chars=4, delay_s=0.02)
    async with running_slack(make_bot, settings, reply, streaming="update") as h:
        ts = await h.mention("sizes?")
        answer = await h.answer("C0GENERAL", ts)
        assert "```\nname   size\n-----  ----\nsmall  1\nlarge  10\n```" in answer.text
        assert len(h.answers("C0GENERAL", ts)) == 1 and answer.edits >= 1
