"""On a real loopback cluster: a replica that cannot reach the store refuses to join and
``bot deploy`` says why in one line; a cluster whose head node died is one line too."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.fakes.ray_cluster import LoopbackRayCluster, free_port
from tests.fakes.slack_server import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.integration.cluster_fixtures import bot_deploy, cluster_sections, write_toml
from tests.integration.serve_api_helpers import KEY

pytestmark = pytest.mark.ray


async def test_a_replica_without_a_reachable_store_refuses_to_join(
    tmp_path: Path, ray_cluster: LoopbackRayCluster
) -> None:
    import asyncio

    fake = await FakeSlack().start()
    dead_store = f"postgresql://bot:s3cret-pw@127.0.0.1:{free_port()}/bot"
    sections = cluster_sections(ray_cluster, dead_store, apps=["slack"], replicas=2)
    sections["slack"] = {"mode": "http", "bot_token": BOT_TOKEN,
                         "signing_secret": SIGNING_SECRET, "api_url": fake.api_url}
    config = write_toml(tmp_path / "bot.toml", {"tools": []}, sections)
    try:
        up = await asyncio.to_thread(bot_deploy, ray_cluster, config)
    finally:
        await asyncio.to_thread(bot_deploy, ray_cluster, config, "down")
        await fake.close()
    assert up.returncode == 1
    line, = up.stderr.strip().splitlines()
    assert line.startswith("bot deploy: bot-slack failed to start: cannot connect to the "
                           "PostgreSQL store at postgresql://bot:***@127.0.0.1:")
    assert line.endswith("Fix: start the server or correct store.url")
    assert "s3cret-pw" not in up.stderr + up.stdout
    assert not fake.calls  # no replica got as far as Slack


def test_a_cluster_whose_head_node_died_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("ray.serve")
    cluster = LoopbackRayCluster(workers=1).start()
    try:
        head = cluster.processes[0]
        os.killpg(head.pid, signal.SIGKILL)  # the head machine is gone; the worker lives on
        head.wait()
        sections = cluster_sections(cluster, "postgresql://bot@127.0.0.1:9/bot")
        sections["api.keys"] = {"alice": KEY}
        config = write_toml(tmp_path / "bot.toml", {"tools": []}, sections)
        for action in ("status", "up"):
            done = bot_deploy(cluster, config, action)
            assert done.returncode == 2
            line, = done.stderr.strip().splitlines()
            assert line.startswith(f"bot deploy: cannot reach the Ray cluster at "
                                   f"{cluster.address}: Connection refused")
    finally:
        cluster.stop()
