"""An MCP server asks the person mid-call, in Slack: a message in the thread with **Answer the
question** (a modal built from the server's schema, opened with the click's trigger id) and
**Decline**; sending the modal answers; only the asker may; how it ended replaces the
buttons. In Socket Mode and HTTP mode, against the fake Slack and the SDK-built MCP server
that elicits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from backends.scripted import Reply, ScriptedToolCall
from config import Settings
from config.approvals import ApprovalSettings
from tests.fakes.asgi_loopback import serving_asgi
from tests.fakes.mcp_servers import with_servers
from tests.fakes.slack_harness import SlackHarness, running_slack
from tests.fakes.slack_server import Message, signed_headers
from tests.fakes.slack_views import Modal

pytest.importorskip("mcp")

CHANNEL = "C0GENERAL"
BOOK = Reply(tool_calls=[ScriptedToolCall(id="c1", name="book", arguments={"room": "4"})])
MODES = pytest.mark.parametrize("mode", ["socket", "http"])


@pytest.fixture(scope="module")
def mcp_url() -> Iterator[str]:
    from tests.fakes.mcp_tool_server import fake_app

    with serving_asgi(fake_app()) as base:
        yield base + "/mcp"


def booking(settings: Settings, url: str, timeout_s: float = 120.0) -> Settings:
    served = with_servers(settings, rooms={"url": url, "allow": ["book"]})
    return served.model_copy(update={"approvals": ApprovalSettings(timeout_s=timeout_s)})


def tool_said(h: SlackHarness) -> str:
    llm: Any = h.bot.models.for_role("primary")
    return str(llm.requests[-1].messages[-1].content)


def buttons(message: Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions"
            and str(b.get("block_id", "")).startswith("elicitation:") for e in b["elements"]]


async def question_asked(h: SlackHarness, thread_ts: str) -> Message:
    def asked() -> list[Message]:
        return [m for m in h.answers(CHANNEL, thread_ts) if buttons(m)]

    await h.fake.wait_for(lambda: bool(asked()), 60)
    return asked()[-1]


async def click(h: SlackHarness, message: Message, action_id: str, user: str = "U0ALICE"
                ) -> None:
    (button,) = [b for b in buttons(message) if b["action_id"] == action_id]
    await h.push_interactive({
        "type": "block_actions", "team": {"id": "T0FAKE"}, "user": {"id": user},
        "api_app_id": "A0APP", "trigger_id": h.fake.trigger(),
        "container": {"type": "message"}, "channel": {"id": message.channel},
        "message": {"ts": message.ts, "thread_ts": message.thread_ts, "text": message.text},
        "actions": [{"action_id": action_id, "block_id": f"elicitation:{button['value']}",
                     "value": button["value"], "type": "button", "action_ts": "1"}]})


async def submit(h: SlackHarness, modal: Modal, values: dict[str, Any],
                 user: str = "U0ALICE") -> Any:
    """Send the modal; returns what the app acked with (None: the modal closes)."""
    payload = h.fake.submission(modal, user, values)
    if h.presenter.settings.mode == "socket":
        envelope = await h.fake.push(payload, kind="interactive")
        await h.fake.wait_acked(envelope)
        return h.fake.ack_payloads.get(envelope)
    body = urlencode({"payload": json.dumps(payload)})
    headers = signed_headers(body) | {"Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as http, http.post(
        f"http://127.0.0.1:{h.presenter.port}/slack/events", data=body, headers=headers
    ) as response:
        assert response.status == 200
        text = await response.text()
    return json.loads(text) if text.strip() else None


async def opened(h: SlackHarness, count: int = 1) -> Modal:
    await h.fake.wait_for(lambda: len(h.fake.modals) >= count)
    return h.fake.modals[count - 1]


@MODES
async def test_the_asker_answers_in_a_modal(make_bot: Any, settings: Settings, mcp_url: str,
                                            mode: str) -> None:
    async with running_slack(make_bot, booking(settings, mcp_url), BOOK, "Booked.",
                             mode=mode) as h:
        ts = await h.mention("book room 4")
        asked = await question_asked(h, ts)
        assert "<@U0ALICE>, *rooms* asks: How many seats in 4?" in asked.text
        await click(h, asked, "elicitation_open")
        modal = await opened(h)
        (field,) = [b for b in modal.view["blocks"] if b["type"] == "input"]
        assert field["element"]["type"] == "number_input"
        assert field["element"]["is_decimal_allowed"] is False
        refused = await submit(h, modal, {"seats": "2.5"})  # not a whole number: said in the modal
        assert refused["response_action"] == "errors"
        assert "whole number" in refused["errors"]["field:seats"]
        assert await submit(h, modal, {"seats": 6}) is None
        answer = await h.answer(CHANNEL, ts, timeout=60)
        assert answer.text == "Booked." and tool_said(h) == "booked 4 for 6"
        assert asked.text.endswith("— answered (seats: 6)") and buttons(asked) == []


@MODES
async def test_decline_and_only_the_asker_may_answer(make_bot: Any, settings: Settings,
                                                     mcp_url: str, mode: str) -> None:
    async with running_slack(make_bot, booking(settings, mcp_url), BOOK, "Not booked.",
                             mode=mode) as h:
        ts = await h.mention("book room 4", user="U0ALICE")
        asked = await question_asked(h, ts)
        await click(h, asked, "elicitation_open", user="U0MALLORY")
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.postEphemeral"))
        note = h.fake.calls_to("chat.postEphemeral")[0].args
        assert note["user"] == "U0MALLORY" and "Only <@U0ALICE>" in note["text"]
        assert h.fake.modals == [] and buttons(asked)  # no modal for Mallory; still waiting
        await click(h, asked, "elicitation_decline")
        await h.answer(CHANNEL, ts, timeout=60)
        assert tool_said(h) == "not booked: the person chose decline"
        assert asked.text.endswith("— declined") and buttons(asked) == []


async def test_a_stranger_cannot_send_the_askers_modal(make_bot: Any, settings: Settings,
                                                       mcp_url: str) -> None:
    async with running_slack(make_bot, booking(settings, mcp_url), BOOK, "Booked.") as h:
        ts = await h.mention("book room 4")
        await click(h, await question_asked(h, ts), "elicitation_open")
        modal = await opened(h)
        refused = await submit(h, modal, {"seats": 99}, user="U0MALLORY")
        assert "Only <@U0ALICE>" in refused["errors"]["field:seats"]
        assert await submit(h, modal, {"seats": 2}) is None
        await h.answer(CHANNEL, ts, timeout=60)
        assert tool_said(h) == "booked 4 for 2"


async def test_no_answer_in_time_declines_and_says_so(make_bot: Any, settings: Settings,
                                                      mcp_url: str) -> None:
    async with running_slack(make_bot, booking(settings, mcp_url, timeout_s=1.0), BOOK,
                             "Nobody answered.") as h:
        ts = await h.mention("book room 4")
        asked = await question_asked(h, ts)
        await h.answer(CHANNEL, ts, timeout=60)
        assert tool_said(h) == "not booked: the person chose decline"
        assert asked.text.endswith("— no answer in time, so it was declined")
        stale = Message(asked.channel, asked.ts, asked.thread_ts, asked.text,
                        blocks=[{"type": "actions", "block_id": "elicitation:x", "elements": [
                            {"action_id": "elicitation_open", "value": "gone"}]}])
        await click(h, stale, "elicitation_open")  # a client not yet refreshed: too late
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.postEphemeral"))
        assert "no longer waiting" in h.fake.calls_to("chat.postEphemeral")[0].args["text"]
