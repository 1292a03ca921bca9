"""Slack assistant threads: suggested prompts on start, status while working, 👍/👎 stored."""

from __future__ import annotations

from typing import Any

from backends.scripted import Reply, ScriptedToolCall
from tests.fakes.slack_harness import new_ts, running_slack
from tests.fakes.slack_server import TEAM

CALC = Reply(tool_calls=[ScriptedToolCall(name="calculator", arguments={"expression": "17*23"})])


async def open_thread(h: Any, channel: str = "D0ALICE") -> str:
    thread_ts = new_ts()
    await h.push_event({
        "type": "assistant_thread_started", "event_ts": thread_ts,
        "assistant_thread": {"user_id": "U0ALICE", "channel_id": channel,
                             "thread_ts": thread_ts, "context": {}},
    })
    return thread_ts


async def test_assistant_thread_flow(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, CALC, "17 × 23 = **391**.") as h:
        thread_ts = await open_thread(h)
        await h.fake.wait_for(lambda: h.fake.calls_to("assistant.threads.setSuggestedPrompts"))
        prompts = h.fake.calls_to("assistant.threads.setSuggestedPrompts")[0].args["prompts"]
        assert [p["message"] for p in prompts] == h.presenter.settings.suggested_prompts
        greeting = h.answers("D0ALICE", thread_ts)[0]
        assert greeting.text == h.presenter.settings.greeting

        await h.message("What is 17 times 23?", channel="D0ALICE", channel_type="im",
                        thread_ts=thread_ts)
        answer = await h.answer("D0ALICE", thread_ts, count=2)
        assert answer.text == "17 × 23 = **391**." and answer.streamed
        statuses = [c.args["status"] for c in h.fake.calls_to("assistant.threads.setStatus")]
        assert statuses[0] == "is thinking…"
        assert any("calculator" in s for s in statuses)
        history = await h.bot.session(f"slack:{TEAM}:D0ALICE:{thread_ts}").history()
        assert history[-1].tool_calls and history[-1].text == answer.text


async def test_thread_start_is_handled_once(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings) as h:
        thread_ts = new_ts()
        event = {"type": "assistant_thread_started", "event_ts": thread_ts,
                 "assistant_thread": {"user_id": "U0ALICE", "channel_id": "D0ALICE",
                                      "thread_ts": thread_ts}}
        for attempt in range(3):
            await h.push_event(event, event_id="Ev0START", retry_attempt=attempt)
        await h.fake.wait_for(lambda: len(h.fake.acks) == 3)
        await h.fake.wait_for(lambda: h.fake.calls_to("assistant.threads.setSuggestedPrompts"))
        assert len(h.fake.calls_to("assistant.threads.setSuggestedPrompts")) == 1
        assert len(h.answers("D0ALICE", thread_ts)) == 1


async def test_feedback_buttons_are_stored_against_the_turn(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "A fine answer.") as h:
        ts = await h.mention("rate me")
        answer = await h.answer("C0GENERAL", ts)
        actions = next(b for b in answer.blocks if b["type"] == "actions")
        up = next(e for e in actions["elements"] if e["action_id"] == "feedback_up")
        turn_id = int(up["value"])
        payload = {
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0BOB"},
            "api_app_id": "A0APP", "trigger_id": "t.1", "container": {"type": "message"},
            "channel": {"id": "C0GENERAL"},
            "message": {"ts": answer.ts, "thread_ts": ts, "text": answer.text},
            "actions": [{"action_id": "feedback_up", "block_id": actions["block_id"],
                         "value": up["value"], "type": "button", "action_ts": "1"}],
        }
        await h.fake.push(payload, kind="interactive")
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.postEphemeral"))
        feedback = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}").feedback_for(turn_id)
        assert [(f.score, f.user) for f in feedback] == [(1, "U0BOB")]
        assert h.fake.calls_to("chat.postEphemeral")[0].args["user"] == "U0BOB"
