"""Slack's HTTP events endpoint as 3 Ray Serve replicas on a loopback cluster (a head and a
worker node), sharing a real PostgreSQL store: Slack's redeliveries of one signed event,
spread over the replicas, give exactly one answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.store import open_store
from tests.fakes.ray_cluster import LoopbackRayCluster
from tests.fakes.slack_server import (
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    FakeSlack,
    event_body,
    signed_headers,
)
from tests.fakes.slack_harness import new_ts
from tests.integration.cluster_fixtures import cluster_sections, write_toml

pytestmark = [pytest.mark.ray, pytest.mark.postgres]
CHANNEL = "C0GENERAL"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


def slack_config(tmp_path: Path, cluster: LoopbackRayCluster, store_url: str,
                 fake: FakeSlack, function: str = "remember") -> Path:
    sections = cluster_sections(cluster, store_url, apps=["slack"])
    sections["slack"] = {"mode": "http", "bot_token": BOT_TOKEN,
                         "signing_secret": SIGNING_SECRET, "api_url": fake.api_url,
                         "update_interval_s": 0.05}
    sections["roles"] = {"primary": "model"}
    sections["profiles.model"] = {"kind": "function",
                                  "function": f"tests.fakes.cluster_replies:{function}"}
    return write_toml(tmp_path / "bot.toml", {"tools": []}, sections)


def mention(text: str, event_id: str) -> tuple[str, str]:
    ts = new_ts()
    event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> {text}",
             "ts": ts, "channel": CHANNEL, "event_ts": ts}
    return json.dumps(event_body(event, event_id)), ts


async def deliver(http: aiohttp.ClientSession, url: str, body: str, retry: int) -> str:
    """One delivery (``retry`` 0 is the first); returns the replica that took it."""
    headers = signed_headers(body, retry_num=retry or None)
    async with http.post(f"{url}/slack/events", data=body, headers=headers) as response:
        assert response.status == 200, await response.text()
        return response.headers["X-Bot-Replica"]


def answers(fake: FakeSlack, ts: str) -> list[str]:
    return [m.text for m in fake.thread(CHANNEL, ts) if not m.streaming]


async def test_redeliveries_spread_over_replicas_are_answered_once(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any,
    fake_slack: FakeSlack,
) -> None:
    config = slack_config(tmp_path, ray_cluster, postgres_url, fake_slack)
    threads: dict[str, set[str]] = {}  # thread ts -> replicas its 4 deliveries reached
    async with deployed(config) as url, aiohttp.ClientSession() as http:
        for n in range(10):  # until one event's deliveries reached two replicas or more
            body, ts = mention(f"question {n}", f"Ev0SPREAD{n}")
            taken = await asyncio.gather(*(deliver(http, url, body, r) for r in range(4)))
            threads[ts] = set(taken)
            await fake_slack.wait_for(lambda ts=ts: answers(fake_slack, ts), timeout=120)
            if len(threads[ts]) >= 2:
                break
        assert max(len(r) for r in threads.values()) >= 2, "deliveries never left one replica"
        await fake_slack.wait_for(lambda: all(answers(fake_slack, ts) for ts in threads), 120)
    store = open_store(postgres_url, tmp_path)
    try:
        for n, ts in enumerate(threads):
            assert answers(fake_slack, ts) == [f"Heard 1: question {n}"]
            turns = store.history(f"slack:T0FAKE:{CHANNEL}:{ts}")
            assert [t.role for t in turns] == ["user", "assistant"]
    finally:
        store.close()
