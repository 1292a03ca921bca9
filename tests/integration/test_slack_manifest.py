"""The app manifest asks for exactly the scopes and events the presenter uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from backends.scripted import Reply, ScriptedToolCall
from config.access import AccessSettings
from tests.fakes.slack_harness import new_ts, running_slack

MANIFEST = Path(__file__).resolve().parents[2] / "presenters" / "slack" / "manifest.yaml"
# The bot scope each Web API method needs (apps.connections.open uses the app-level token).
METHOD_SCOPES = {
    "auth.test": None, "apps.connections.open": None,
    "chat.postMessage": "chat:write", "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write", "chat.startStream": "chat:write",
    "chat.appendStream": "chat:write", "chat.stopStream": "chat:write",
    "assistant.threads.setStatus": "chat:write",
    "assistant.threads.setSuggestedPrompts": "assistant:write",
    "conversations.replies": "channels:history", "conversations.info": "channels:read",
    "views.publish": None,
    # [access]: who asks (users.info; its profile's e-mail needs users:read.email too)
    "users.info": "users:read", "usergroups.list": "usergroups:read",
    # ... and the slack source's permission passes, with the same bot token
    "conversations.members": "channels:read",
}
ROOT = Path(__file__).resolve().parents[2]
IDENTITY = ROOT / "presenters" / "slack" / "identity.py"
MEMBERS = ROOT / "sources" / "slack_members.py"
# Scopes of features no single Web API call shows: the slash command and message shortcut,
# and channel names of private channels.
FEATURE_SCOPES = {"commands", "groups:read"}
# ... and of [access], off in the first test: the e-mail field of users.info's answer.
ACCESS_SCOPES = {"users:read", "users:read.email", "usergroups:read"}
EVENT_SCOPES = {
    "app_mention": "app_mentions:read", "message.im": "im:history",
    "message.channels": "channels:history", "message.groups": "groups:history",
    "assistant_thread_started": "assistant:write", "reaction_added": "reactions:read",
    "app_home_opened": None,
}


def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text())  # type: ignore[no-any-return]


def sample_event(name: str) -> dict[str, Any]:
    ts = new_ts()
    if name == "reaction_added":
        return {"type": name, "user": "U0ALICE", "reaction": "sos",
                "item": {"type": "message", "channel": "C0A", "ts": ts}}
    if name == "app_home_opened":
        return {"type": name, "user": "U0ALICE", "channel": "D0A", "tab": "home"}
    if name == "assistant_thread_started":
        return {"type": name, "assistant_thread": {"user_id": "U0ALICE", "channel_id": "D0A",
                                                   "thread_ts": ts}}
    channel, kind = {"message.im": ("D0A", "im"), "message.channels": ("C0A", "channel"),
                     "message.groups": ("G0A", "group")}.get(name, ("C0A", "channel"))
    return {"type": name.split(".")[0], "user": "U0ALICE", "text": "hello", "ts": ts,
            "channel": channel, "channel_type": kind, "thread_ts": ts if kind == "im" else None}


async def test_every_subscribed_event_is_handled_and_acked(make_bot: Any, settings: Any) -> None:
    events = manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == set(EVENT_SCOPES)
    async with running_slack(make_bot, settings, *["Hi."] * len(events)) as h:
        for name in events:
            await h.fake.wait_acked(await h.push_event(sample_event(name)))


async def test_scopes_are_exactly_those_used(make_bot: Any, settings: Any) -> None:
    """Drive every feature, then compare the scopes its calls and events need."""
    calc = Reply(tool_calls=[ScriptedToolCall(name="calculator", arguments={"expression": "1+1"})])
    async with running_slack(make_bot, settings, calc, "Two.", "Edited.",
                             channels={"#general": {"respond": "mention"}}) as h:
        h.fake.channel_names["C0GENERAL"] = "general"
        h.fake.seed_thread("C0GENERAL", "1500000000.000100", [("U0BOB", "Who knows?")])
        ts = await h.mention("1+1?", thread_ts="1500000000.000100")
        answer = await h.answer("C0GENERAL", "1500000000.000100")
        ts = "1500000000.000100"
        await h.push_event(sample_event("app_home_opened"))
        await h.fake.wait_for(lambda: h.fake.calls_to("views.publish"))
        await h.push_event(sample_event("assistant_thread_started"))
        await h.fake.wait_for(lambda: h.fake.calls_to("assistant.threads.setSuggestedPrompts"))
        up = next(b for b in answer.blocks if b["type"] == "actions")["elements"][0]
        await h.fake.push({"type": "block_actions", "team": {"id": "T0FAKE"},
                           "user": {"id": "U0BOB"}, "channel": {"id": "C0GENERAL"},
                           "message": {"ts": answer.ts, "thread_ts": ts},
                           "actions": [{"action_id": up["action_id"], "value": up["value"]}]},
                          kind="interactive")
        await h.fake.wait_for(lambda: h.fake.calls_to("chat.postEphemeral"))
        h.fake.fail("chat.startStream", "unknown_method")
        await h.answer("C0GENERAL", await h.mention("again"))
    used = {c.method for c in h.fake.calls}
    assert used <= set(METHOD_SCOPES), f"unknown scope for {used - set(METHOD_SCOPES)}"
    needed = ({METHOD_SCOPES[m] for m in used} | set(EVENT_SCOPES.values()) | FEATURE_SCOPES
              | ACCESS_SCOPES)
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed - {None}


async def test_every_call_access_makes_is_covered_by_a_manifest_scope(
    make_bot: Any, settings: Any,
) -> None:
    """A private answer under [access] looks the asker up; each call it makes, and each call
    the identity code can make, needs a scope the manifest asks for."""
    access = settings.model_copy(update={"access": AccessSettings(enabled=True)})
    async with running_slack(make_bot, access, "Hi.",
                             channels={"C0GENERAL": {"ephemeral_default": True}}) as h:
        h.fake.people["U0ALICE"] = "Alice"
        h.fake.emails["U0ALICE"] = "alice@example.com"
        await h.mention("who am I?")
        await h.fake.wait_for(lambda: h.fake.calls_to("usergroups.list"))
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    used = {c.method for c in h.fake.calls}
    assert {"users.info", "usergroups.list"} <= used
    written = {m.replace("_", ".") for m in re.findall(r"client\.([a-z_]+)\(",
                                                         IDENTITY.read_text())}
    assert written == {"users.info", "usergroups.list"}
    passes = set(re.findall(r'"([a-z]+\.[a-zA-Z]+)"', MEMBERS.read_text()))
    assert {"conversations.members", "users.info"} <= passes <= set(METHOD_SCOPES)
    assert {METHOD_SCOPES[m] for m in used | written | passes} - {None} <= scopes
    assert {"users:read.email", "groups:read"} <= scopes  # e-mails; private channels' members
