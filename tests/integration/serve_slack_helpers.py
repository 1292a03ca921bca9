"""Talking to the Slack endpoint deployed on the loopback cluster, as Slack does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.ray_cluster import REPLICA_TITLE, LoopbackRayCluster
from tests.fakes.slack_harness import new_ts
from tests.fakes.slack_server import (
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    FakeSlack,
    event_body,
    signed_headers,
)
from tests.integration.cluster_fixtures import cluster_sections, write_toml

CHANNEL = "C0GENERAL"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


def slack_config(tmp_path: Path, cluster: LoopbackRayCluster, store_url: str, fake: FakeSlack,
                 function: str | None = "remember", replicas: int = 3, **store: Any) -> Path:
    """Settings for the Slack endpoint on ``cluster``: the model is the function backend
    ``tests.fakes.cluster_replies:<function>``, or the embedded default when None."""
    sections = cluster_sections(cluster, store_url, apps=["slack"], replicas=replicas)
    sections["store"].update(store)
    sections["slack"] = {"mode": "http", "bot_token": BOT_TOKEN,
                         "signing_secret": SIGNING_SECRET, "api_url": fake.api_url,
                         "update_interval_s": 0.05}
    if function:
        sections["roles"] = {"primary": "model"}
        sections["profiles.model"] = {"kind": "function",
                                      "function": f"tests.fakes.cluster_replies:{function}"}
    return write_toml(tmp_path / "bot.toml", {"tools": []}, sections)


def mention(text: str, event_id: str) -> tuple[str, str]:
    """A signed-able ``app_mention`` body and its thread ts."""
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
    """The finished answers in a thread."""
    return [m.text for m in fake.thread(CHANNEL, ts) if not m.streaming]


def replicas_back(cluster: LoopbackRayCluster, killed: int, count: int = 3) -> bool:
    """Serve replaced a killed replica: ``count`` running again, none of them the dead one."""
    pids = cluster.pids(f"{REPLICA_TITLE}bot-slack:")
    return len(pids) == count and killed not in pids
