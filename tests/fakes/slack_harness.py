"""The Slack presenter running against :class:`FakeSlack`, for integration tests and benchmarks."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from bot.app import Bot
from config import Settings
from presenters.slack.inbound import Inbound
from presenters.slack.presenter import SlackPresenter
from tests.fakes.slack_server import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    FakeSlack,
    Message,
    event_body,
    signed_headers,
)

_ts = itertools.count(1)


def new_ts() -> str:
    n = next(_ts)
    return f"1600000000.{n:06d}"


_old = itertools.count(1)


def old_ts() -> str:
    """A thread started before anything :func:`new_ts` gives (a day earlier, spaced out)."""
    return f"{1599900000 + next(_old)}.000000"


@dataclass
class SlackHarness:
    fake: FakeSlack
    presenter: SlackPresenter
    bot: Bot
    handled: list[Inbound] = field(default_factory=list)

    def watch(self) -> None:
        """Count every finished ``Answerer.handle`` call, duplicates included."""
        answerer = self.presenter.answerer
        original = answerer.handle

        async def handle(inbound: Inbound) -> None:
            try:
                await original(inbound)
            finally:
                self.handled.append(inbound)

        answerer.handle = handle  # type: ignore[method-assign]

    async def wait_handled(self, count: int) -> None:
        await self.fake.wait_for(lambda: len(self.handled) >= count)

    async def push_event(self, event: dict[str, Any], event_id: str | None = None,
                         retry_attempt: int = 0) -> str:
        if self.presenter.settings.mode == "http":
            await deliver_http(self.presenter.port or 0, json.dumps(event_body(event, event_id)),
                               "application/json")
            return ""
        return await self.fake.push(event_body(event, event_id), retry_attempt=retry_attempt)

    async def push_interactive(self, payload: dict[str, Any]) -> None:
        """A button click, shortcut or other interactive payload, over the app's transport."""
        if self.presenter.settings.mode == "http":
            body = urlencode({"payload": json.dumps(payload)})
            await deliver_http(self.presenter.port or 0, body,
                               "application/x-www-form-urlencoded")
        else:
            await self.fake.push(payload, kind="interactive")

    async def slash(self, command: str, text: str, channel: str = "C0GENERAL",
                    user: str = "U0ALICE") -> None:
        """``user`` types ``/command text`` in ``channel``."""
        fields = {"command": command, "text": text, "channel_id": channel, "user_id": user,
                  "team_id": "T0FAKE", "trigger_id": f"trig.{new_ts()}", "api_app_id": "A0APP",
                  "response_url": self.fake.response_url(), "token": "legacy"}
        if self.presenter.settings.mode == "http":
            await deliver_http(self.presenter.port or 0, urlencode(fields),
                               "application/x-www-form-urlencoded")
        else:
            await self.fake.push(fields, kind="slash_commands")

    async def mention(self, text: str, channel: str = "C0GENERAL", user: str = "U0ALICE",
                      ts: str | None = None, thread_ts: str | None = None,
                      event_id: str | None = None) -> str:
        """A user mentions the bot; returns the message ts (the answer's thread)."""
        ts = ts or new_ts()
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}",
                 "ts": ts, "channel": channel, "event_ts": ts}
        if thread_ts:
            event["thread_ts"] = thread_ts
        await self.push_event(event, event_id)
        return ts

    async def message(self, text: str, channel: str, user: str = "U0ALICE",
                      thread_ts: str | None = None, channel_type: str = "channel",
                      **extra: Any) -> str:
        ts = new_ts()
        event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel,
                 "channel_type": channel_type, "event_ts": ts, **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        await self.push_event(event)
        return ts

    def answers(self, channel: str, thread_ts: str) -> list[Message]:
        return self.fake.thread(channel, thread_ts)

    async def answer(self, channel: str, thread_ts: str, count: int = 1,
                     timeout: float = 15.0) -> Message:
        """Wait for the ``count``-th finished answer in a thread and return it."""

        def finished() -> list[Message]:
            return [m for m in self.answers(channel, thread_ts)
                    if not m.streaming and not m.text.endswith(" …") and not is_approval(m)]

        await self.fake.wait_for(lambda: len(finished()) >= count
                                 and not self.presenter.answerer.inflight, timeout)
        return finished()[count - 1]


    async def approval_asked(self, channel: str, thread_ts: str) -> Message:
        """Wait for an approval question with buttons in the thread."""

        def asked() -> list[Message]:
            return [m for m in self.answers(channel, thread_ts) if approval_buttons(m)]

        await self.fake.wait_for(lambda: bool(asked()))
        return asked()[-1]

    async def click(self, message: Message, action_id: str, user: str = "U0ALICE",
                    team: str = "T0FAKE") -> None:
        """``user`` clicks the button ``action_id`` on ``message``."""
        (button,) = [b for b in approval_buttons(message) if b["action_id"] == action_id]
        block_id = next(b["block_id"] for b in message.blocks if b["type"] == "actions")
        await self.fake.push({
            "type": "block_actions", "team": {"id": team}, "user": {"id": user},
            "api_app_id": "A0APP", "trigger_id": "t.1", "container": {"type": "message"},
            "channel": {"id": message.channel},
            "message": {"ts": message.ts, "thread_ts": message.thread_ts, "text": message.text},
            "actions": [{"action_id": action_id, "block_id": block_id,
                         "value": button["value"], "type": "button", "action_ts": "1"}],
        }, kind="interactive")


async def deliver_http(port: int, body: str, content_type: str) -> None:
    """POST a signed request to the presenter's HTTP endpoint, as Slack does."""
    headers = signed_headers(body) | {"Content-Type": content_type}
    async with aiohttp.ClientSession() as http, http.post(
        f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
    ) as response:
        assert response.status == 200, await response.text()


def is_approval(message: Message) -> bool:
    """An approval question (or how it ended), not an answer."""
    return any(str(b.get("block_id", "")).startswith("approval:") for b in message.blocks)


def approval_buttons(message: Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions"
            and str(b.get("block_id", "")).startswith("approval:") for e in b["elements"]]


def slack_settings(settings: Settings, fake: FakeSlack, **slack: Any) -> Settings:
    """``settings`` with a Slack section pointed at the fake; ``slack`` overrides fields."""
    section = settings.slack.model_copy(update={
        "mode": "socket", "bot_token": SecretStr(BOT_TOKEN), "app_token": SecretStr(APP_TOKEN),
        "signing_secret": SecretStr(SIGNING_SECRET), "api_url": fake.api_url, "port": 0,
        "update_interval_s": 0.05, "shutdown_grace_s": 5.0, **slack,
    })
    return settings.model_copy(update={"slack": section})


@asynccontextmanager
async def serving(fake: FakeSlack, bot: Bot) -> AsyncIterator[SlackHarness]:
    """A started presenter for ``bot`` (its settings already point at ``fake``)."""
    presenter = SlackPresenter(bot)
    harness = SlackHarness(fake, presenter, bot)
    harness.watch()
    await presenter.start()
    try:
        if presenter.settings.mode == "socket":
            await fake.wait_connected()
        yield harness
    finally:
        await presenter.stop()


@asynccontextmanager
async def running_slack(
    make_bot: Callable[..., Bot], settings: Settings, *replies: Any,
    tools: dict[str, Any] | None = None, **slack: Any
) -> AsyncIterator[SlackHarness]:
    """A started fake Slack and a started presenter over a scripted bot playing ``replies``
    (with ``tools`` instead of the configured ones, when given)."""
    fake = await FakeSlack().start()
    try:
        given = {"tools": tools} if tools is not None else {}
        bot = make_bot(*replies, settings_=slack_settings(settings, fake, **slack), **given)
        async with serving(fake, bot) as harness:
            yield harness
    finally:
        await fake.close()
