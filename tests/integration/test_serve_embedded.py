"""The embedded model deployed once for all replicas: two Slack replicas on the loopback
cluster answer with the real SmolLM2 model, and the cluster runs one model process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.ray_cluster import REPLICA_TITLE, LoopbackRayCluster
from tests.fakes.slack_server import FakeSlack
from tests.integration.serve_slack_helpers import (
    answers,
    deliver,
    mention,
    slack_config,
)

pytestmark = [pytest.mark.ray, pytest.mark.postgres, pytest.mark.embedded]
QUESTION = "What is the capital of France?"


async def test_replicas_share_one_embedded_model(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any,
    fake_slack: FakeSlack,
) -> None:
    config = slack_config(tmp_path, ray_cluster, postgres_url, fake_slack, function=None,
                          replicas=2)  # the default: the embedded model
    served: dict[str, str] = {}  # thread ts -> the replica that took its question
    async with deployed(config) as url, aiohttp.ClientSession() as http:
        for n in range(6):  # two questions at once, until they landed on two replicas
            mentions = [mention(QUESTION, f"Ev0LOCAL{n}{i}") for i in range(2)]
            taken = await asyncio.gather(*(deliver(http, url, body, 0) for body, _ in mentions))
            served.update({ts: replica for (_, ts), replica in zip(mentions, taken, strict=True)})
            if len(set(served.values())) == 2:
                break
        assert len(set(served.values())) == 2
        await fake_slack.wait_for(lambda: all(answers(fake_slack, ts) for ts in served), 600)
        models = ray_cluster.pids("backends.llamacpp_worker")
        presenters = ray_cluster.pids(f"{REPLICA_TITLE}bot-slack:")
    for ts in served:
        assert "Paris" in answers(fake_slack, ts)[0]
    assert len(presenters) == 2 and len(models) == 1, "one model process for every replica"
