"""Slack's HTTP events endpoint as 3 Ray Serve replicas on a loopback cluster (a head and a
worker node), sharing a real PostgreSQL store: Slack's redeliveries of one signed event,
spread over the replicas, give exactly one answer; a replica killed mid-answer leaves no
event claimed forever, and Serve replaces it."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from stores import open_store
from tests.fakes.cluster_replies import LONG_ANSWER
from tests.fakes.ray_cluster import LoopbackRayCluster
from tests.fakes.slack_server import FakeSlack, signed_headers
from tests.integration.serve_slack_helpers import (
    CHANNEL,
    answers,
    deliver,
    mention,
    replicas_back,
    slack_config,
)

pytestmark = [pytest.mark.ray, pytest.mark.postgres]


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


async def test_a_replica_killed_mid_answer_leaves_no_event_claimed_forever(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any,
    fake_slack: FakeSlack,
) -> None:
    config = slack_config(tmp_path, ray_cluster, postgres_url, fake_slack, "slow_stream",
                          event_lease_s=3)
    body, ts = mention("tell me a long story", "Ev0KILLED")
    async with deployed(config) as url, aiohttp.ClientSession() as http:
        async with http.post(f"{url}/slack/events", data=body,
                             headers=signed_headers(body)) as first:
            killed = int(first.headers["X-Bot-Replica-Pid"])
        await fake_slack.wait_for(lambda: any(m.text for m in fake_slack.thread(CHANNEL, ts)),
                                  timeout=120)  # the answer is streaming
        os.kill(killed, signal.SIGKILL)
        retry = 0
        while not answers(fake_slack, ts):  # Slack redelivers; after the lease one answers
            retry += 1
            assert retry < 120, "the killed replica's claim was never released"
            async with http.post(f"{url}/slack/events", data=body,
                                 headers=signed_headers(body, retry_num=retry)):
                pass
            await asyncio.sleep(1)
        await fake_slack.wait_for(lambda: answers(fake_slack, ts) == [LONG_ANSWER], 120)
        await fake_slack.wait_for(lambda: replicas_back(ray_cluster, killed), 300)
