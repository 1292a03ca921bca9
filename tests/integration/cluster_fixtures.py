"""A loopback Ray cluster shared by the cluster tests, and ``bot deploy`` onto it.

The cluster (``tests/fakes/ray_cluster.py``: a head and one worker node, real ``ray start``
processes) starts once per test session, on first use, and is stopped at the end. Each test
deploys its own settings with the real ``bot deploy`` command and takes them down after.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.ray_cluster import LoopbackRayCluster

BOT = [sys.executable, "-m", "apps.cli.main"]
DEPLOY_TIMEOUT_S = 900


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[LoopbackRayCluster]:
    pytest.importorskip("ray.serve")
    cluster = LoopbackRayCluster(workers=1, cpus_per_node=2).start()
    try:
        yield cluster
    finally:
        cluster.stop()


def toml_value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


def write_toml(path: Path, top: dict[str, Any], sections: dict[str, dict[str, Any]]) -> Path:
    """A bot.toml: ``top`` keys, then one ``[section]`` table each (dotted names allowed)."""
    lines = [f"{k} = {toml_value(v)}" for k, v in top.items()]
    for name, table in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def cluster_sections(cluster: LoopbackRayCluster, store_url: str, **deploy: Any
                     ) -> dict[str, dict[str, Any]]:
    """The settings every cluster test shares: the store, and Serve on the test's port."""
    return {
        "store": {"url": store_url},
        "deploy": {"address": cluster.address, "host": "127.0.0.1",
                   "port": cluster.serve_port, "proxy_location": "HeadOnly", "replicas": 3,
                   "replica_cpus": 0.5, **deploy},
        "log": {"level": "info", "format": "json"},
    }


def bot_deploy(cluster: LoopbackRayCluster, config: Path, *args: str
               ) -> subprocess.CompletedProcess[str]:
    """``bot --config CONFIG deploy ARGS`` as a real process, a driver of the cluster."""
    return subprocess.run([*BOT, "--config", str(config), "deploy", *args], cwd=config.parent,
                          env=cluster.env(), capture_output=True, text=True,
                          timeout=DEPLOY_TIMEOUT_S, check=False)


@pytest.fixture
def deployed(ray_cluster: LoopbackRayCluster) -> Callable[[Path], Any]:
    """``async with deployed(config) as url:`` the settings deployed, ``url`` Serve's proxy."""

    @asynccontextmanager
    async def deploy(config: Path) -> AsyncIterator[str]:
        # in a thread: replicas starting up may call servers running on this event loop
        up = await asyncio.to_thread(bot_deploy, ray_cluster, config)
        assert up.returncode == 0, f"bot deploy failed:\n{up.stdout}\n{up.stderr}"
        try:
            yield f"http://127.0.0.1:{ray_cluster.serve_port}"
        finally:
            down = await asyncio.to_thread(bot_deploy, ray_cluster, config, "down")
            assert down.returncode == 0, down.stderr

    return deploy
