"""``bot serve api --ray``: replicas in the foreground on the loopback cluster, listed by
``bot deploy status`` while they serve, and taken off the cluster on Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.ray_cluster import LoopbackRayCluster
from tests.integration.cluster_fixtures import BOT, bot_deploy
from tests.integration.serve_api_helpers import api_config, ask

pytestmark = [pytest.mark.ray, pytest.mark.postgres]


async def lines_until(proc: subprocess.Popen[str], marker: str) -> list[str]:
    """stdout lines up to and including the first holding ``marker``."""
    assert proc.stdout is not None
    seen: list[str] = []
    while not seen or marker not in seen[-1]:
        line = await asyncio.to_thread(proc.stdout.readline)
        assert line, f"bot serve ended: {''.join(seen)}"
        seen.append(line)
    return seen


async def test_serve_api_on_ray_until_ctrl_c(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str
) -> None:
    config = api_config(tmp_path, ray_cluster, postgres_url, "remember", replicas=2)
    proc = subprocess.Popen([*BOT, "--config", str(config), "serve", "api", "--ray"],
                            cwd=tmp_path, env=ray_cluster.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        await asyncio.wait_for(lines_until(proc, "serving on"), 900)
        listed = (await asyncio.wait_for(lines_until(proc, "bot-api"), 60))[-1]
        url = f"http://127.0.0.1:{ray_cluster.serve_port}"
        assert f"{url}/v1/chat/completions" in listed and "RUNNING" in listed
        async with aiohttp.ClientSession() as http:
            answer, _ = await ask(http, url, "foreground", "hello")
        assert answer == "Heard 1: hello"
        running = await asyncio.to_thread(bot_deploy, ray_cluster, config, "status")
        assert "bot-api" in running.stdout and "api ×2" in running.stdout
        proc.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(proc.wait, 300) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    gone = await asyncio.to_thread(bot_deploy, ray_cluster, config, "status")
    assert gone.returncode == 0 and "bot-api" not in gone.stdout
