"""Slack's events endpoint as the ASGI app each Serve replica runs, here under uvicorn with
Serve's routing (``root_path = /slack``): startup checks the token, signed events are
answered, unsigned ones refused, shutdown lets the answer in flight finish."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from backends.scripted import Reply
from presenters.slack.asgi import ROUTE_PREFIX, build_app
from tests.fakes.slack_harness import new_ts, slack_settings
from tests.fakes.slack_server import BOT_USER, FakeSlack, event_body, signed_headers

SLOW = Reply(text="Still answering while the server shuts down.", chunk_chars=3, delay_s=0.05)


def under_prefix(app: ASGIApp) -> ASGIApp:
    """What Serve's proxy does for an application at a route prefix."""

    async def routed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {**scope, "root_path": ROUTE_PREFIX}
        await app(scope, receive, send)

    return routed


async def post_mention(port: int, text: str, *, signed: bool = True) -> tuple[int, str]:
    ts = new_ts()
    event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> {text}",
             "ts": ts, "channel": "C0GENERAL", "event_ts": ts}
    body = json.dumps(event_body(event))
    headers = signed_headers(body) if signed else {"Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http, http.post(
        f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as response:
        return response.status, ts


@pytest.mark.timeout(120)
async def test_the_endpoint_a_replica_runs(make_bot: Any, settings: Any, free_port: int) -> None:
    fake = await FakeSlack().start()
    bot = make_bot(SLOW, settings_=slack_settings(settings, fake, mode="http"))
    server = uvicorn.Server(uvicorn.Config(under_prefix(build_app(bot)), host="127.0.0.1",
                                           port=free_port, lifespan="on", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        await fake.wait_for(lambda: server.started)
        assert fake.calls_to("auth.test", ok_only=True)  # the token was checked at startup
        assert (await post_mention(free_port, "unsigned", signed=False))[0] == 401
        status, ts = await post_mention(free_port, "hello")
        assert status == 200
        async with aiohttp.ClientSession() as http, http.get(
                f"http://127.0.0.1:{free_port}/slack/healthz") as health:
            assert health.status == 200
        await fake.wait_for(lambda: fake.calls_to("chat.appendStream"))
    finally:
        server.should_exit = True  # mid-answer: shutdown waits for it
        await serving
        await fake.close()
    answer, = fake.thread("C0GENERAL", ts)
    assert answer.text == SLOW.text and not answer.streaming
