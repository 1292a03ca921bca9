"""Slack's doors fuzzed: signed Events API and interaction payloads of generated shapes.

The presenter runs in HTTP mode against the fake Slack Web API; each request is signed
with the app's secret, as Slack signs it, so it gets past the signature check into the
listeners. Every request must be acknowledged without a server error, and no listener may
fail with a traceback (in the log) or show one in Slack.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.slack_harness import running_slack
from tests.fakes.slack_server import BOT_USER, TEAM, event_body, signed_headers
from tests.fuzz.fuzz_size import Tally, fuzz_settings

IDS = st.sampled_from(["C0GENERAL", "D0ALICE", "U0ALICE", BOT_USER, ""]) | st.text(max_size=12)
TS = st.sampled_from(["1700000000.000100", "", "0"]) | st.text(max_size=20)
TEXT = st.text(max_size=300)
# Slack's documented shapes, any values: fields Slack always sends as strings or objects
# stay so (slack_bolt itself parses them before any listener of ours runs)
LEAVES = st.dictionaries(st.sampled_from(["id", "name", "type", "url", "text"]), TEXT,
                         max_size=3)
THREAD = st.fixed_dictionaries({"channel_id": IDS, "thread_ts": TS, "user_id": IDS,
                                "context": st.fixed_dictionaries({}, optional={
                                    "channel_id": IDS, "team_id": IDS})})
COMMON = {"user": IDS, "channel": IDS, "ts": TS, "text": TEXT.map(lambda t: f"<@{BOT_USER}> {t}")}
OPTIONAL = {"thread_ts": TS, "subtype": st.text(max_size=12) | st.just("bot_message"),
            "channel_type": st.sampled_from(["im", "channel"]), "bot_id": IDS,
            "files": st.lists(LEAVES, max_size=2), "blocks": st.lists(LEAVES, max_size=2)}
EVENTS = st.fixed_dictionaries(
    {"type": st.sampled_from(["app_mention", "message"]), **COMMON}, optional=OPTIONAL
) | st.fixed_dictionaries({"type": st.just("assistant_thread_started"),
                           "assistant_thread": THREAD, "event_ts": TS})
ACTIONS = st.fixed_dictionaries(
    {"action_id": st.sampled_from(["feedback_up", "feedback_down", "approval_allow",
                                   "approval_deny"]) | st.text(max_size=12),
     "value": TEXT | st.integers().map(str), "type": st.just("button")})
INTERACTIONS = st.fixed_dictionaries(
    {"type": st.just("block_actions"), "actions": st.lists(ACTIONS, min_size=1, max_size=2),
     "user": st.fixed_dictionaries({"id": IDS}, optional={"team_id": IDS}),
     "channel": st.fixed_dictionaries({"id": IDS}),
     "team": st.fixed_dictionaries({"id": st.just(TEAM)}),
     "message": st.fixed_dictionaries({"ts": TS}, optional={"thread_ts": TS, "text": TEXT}),
     "container": st.fixed_dictionaries({"type": st.just("message"), "message_ts": TS}),
     "trigger_id": st.text(max_size=10), "api_app_id": st.just("A0APP"),
     "token": st.just("legacy")})


def post_event(port: int, event: dict[str, Any]) -> int:
    body = json.dumps(event_body(event))
    return httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body,
                      headers=signed_headers(body), timeout=60).status_code


def post_interaction(port: int, payload: dict[str, Any]) -> int:
    body = urlencode({"payload": json.dumps(payload)})
    headers = {**signed_headers(body), "Content-Type": "application/x-www-form-urlencoded"}
    return httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body, headers=headers,
                      timeout=60).status_code


async def test_signed_events_and_interactions_of_any_shape(
        make_bot: Any, settings: Any, capfd: pytest.CaptureFixture[str]) -> None:
    async with running_slack(make_bot, settings, mode="http") as h:
        port = h.presenter.port or 0
        with Tally("slack events and interactions") as tally:

            @fuzz_settings()
            @given(event=EVENTS, payload=INTERACTIONS)
            def run(event: dict[str, Any], payload: dict[str, Any]) -> None:
                tally.requests += 2
                statuses = [post_event(port, event), post_interaction(port, payload)]
                assert all(s < 500 for s in statuses), statuses

            await asyncio.to_thread(run)  # the server runs on this loop meanwhile
            await asyncio.sleep(0)
            for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                if task.get_name().startswith("slack"):
                    await asyncio.wait({task}, timeout=30)
        shown = " ".join(m.text for m in h.fake.messages)
        assert "Traceback" not in shown
    assert "Traceback" not in capfd.readouterr().err
