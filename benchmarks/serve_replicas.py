"""The API on Ray Serve: what Serve's proxy adds to a request, and 1 vs 3 replicas.

One loopback Ray (a head node started with ``ray start``, tests/fakes/ray_cluster.py) and
a throwaway PostgreSQL on this machine; the API is deployed with the real ``bot deploy``.

1. **Proxy overhead.** The same settings served two ways at once: the API presenter alone
   (uvicorn, one process) and Serve (its proxy, then one replica). One client asks
   non-streamed questions of a backend that answers at once (``instant``), alternating blocks
   of requests between the two, so both see the same machine.
2. **Replicas.** ``CLIENTS`` clients, each its own conversation, for ``SECONDS`` s against
   the 0.3 s backend (``steady``), deployed with 1 replica, then 3, then 1 and 3 again.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.fakes.api_load import LoadResult, run_load
from tests.fakes.postgres import drop_schema, new_schema, server_url, with_schema
from tests.fakes.ray_cluster import LoopbackRayCluster, free_port
from tests.integration.cluster_fixtures import bot_deploy
from tests.integration.serve_api_helpers import KEY, api_config, ask_body, headers

BLOCKS, PER_BLOCK = 8, 25
CLIENTS, SECONDS = 100, 20


async def timed_requests(http: aiohttp.ClientSession, url: str, tag: str, n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        async with http.post(f"{url}/v1/chat/completions", json=ask_body(f"{tag} {i}"),
                             headers=headers(f"bench-{tag}-{i}")) as response:
            await response.read()
            assert response.status == 200
        times.append(time.perf_counter() - started)
    return times


def api_alone(config: Path, port: int) -> subprocess.Popen[bytes]:
    """The API presenter by itself: uvicorn on the same settings, one process."""
    env = {**os.environ, "BOT_CONFIG": str(config), "PYTHONPATH": str(Path.cwd())}
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "presenters.api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(600):
        try:
            async with http.get(f"{url}/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def proxy_overhead(cluster: LoopbackRayCluster, store: str, tmp: Path
                         ) -> dict[str, list[float]]:
    config = api_config(tmp, cluster, store, "instant", replicas=1)
    deployed = await asyncio.to_thread(bot_deploy, cluster, config)
    assert deployed.returncode == 0, deployed.stderr
    port = free_port()
    alone = api_alone(config, port)
    paths = {"alone": f"http://127.0.0.1:{port}",
             "serve": f"http://127.0.0.1:{cluster.serve_port}"}
    times: dict[str, list[float]] = {"alone": [], "serve": []}
    try:
        async with aiohttp.ClientSession() as http:
            await wait_up(http, paths["alone"])
            for name, url in paths.items():
                await timed_requests(http, url, f"warm-{name}", 10)
            for block in range(BLOCKS):
                for name, url in paths.items():
                    times[name] += await timed_requests(http, url, f"{name}{block}", PER_BLOCK)
    finally:
        alone.terminate()
        alone.wait()
    return times


async def replica_scaling(cluster: LoopbackRayCluster, store: str, tmp: Path
                          ) -> dict[int, list[LoadResult]]:
    url = f"http://127.0.0.1:{cluster.serve_port}"
    results: dict[int, list[LoadResult]] = {1: [], 3: []}
    for round_, replicas in enumerate([1, 3, 1, 3]):
        config = api_config(tmp, cluster, store, "steady", replicas=replicas)
        deployed = await asyncio.to_thread(bot_deploy, cluster, config)
        assert deployed.returncode == 0, deployed.stderr
        await run_load(url, KEY, 10, 3, prefix=f"warm{round_}")
        results[replicas].append(await run_load(url, KEY, CLIENTS, SECONDS, f"r{round_}"))
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def overhead_table(times: dict[str, list[float]]) -> str:
    alone, serve = statistics.median(times["alone"]), statistics.median(times["serve"])
    rows = [
        "| path | requests | p50 | p99 | p50 ratio |", "|---|---|---|---|---|",
        f"| API presenter alone (uvicorn) | {len(times['alone'])} | {ms(alone)} | "
        f"{ms(p99(times['alone']))} | 1.00× |",
        f"| Serve proxy → 1 replica | {len(times['serve'])} | {ms(serve)} | "
        f"{ms(p99(times['serve']))} | {serve / alone:.2f}× |",
    ]
    return "\n".join(rows) + f"\n\nServe's proxy adds {ms(serve - alone)} per request at p50."


def scaling_table(results: dict[int, list[LoadResult]]) -> str:
    rows = ["| replicas | round | answers | requests/s | p50 | p99 | errors |",
            "|---|---|---|---|---|---|---|"]
    for replicas, runs in results.items():
        for n, r in enumerate(runs, 1):
            rows.append(f"| {replicas} | {n} | {len(r.latencies_s)} | {r.requests_per_s:.1f} | "
                        f"{ms(r.median_s)} | {ms(r.percentile(99))} | {len(r.errors)} |")
    one = statistics.median(r.requests_per_s for r in results[1])
    three = statistics.median(r.requests_per_s for r in results[3])
    return "\n".join(rows) + (f"\n\n3 replicas give {three / one:.2f}× the requests/s of one "
                              f"({three:.1f} vs {one:.1f}, median of the rounds).")


def run() -> str:
    cluster = LoopbackRayCluster(workers=0, cpus_per_node=4).start()
    base = server_url()
    schema = new_schema(base)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = with_schema(base, schema)
            times = asyncio.run(proxy_overhead(cluster, store, Path(tmp)))
            scaling = asyncio.run(replica_scaling(cluster, store, Path(tmp)))
    finally:
        cluster.stop()
        drop_schema(base, schema)
    return (
        "## The API on Ray Serve: proxy overhead, 1 vs 3 replicas\n\n"
        "A loopback Ray head (`ray start`), PostgreSQL on loopback, the API deployed with "
        "`bot deploy` (benchmarks/serve_replicas.py).\n\n"
        f"### What Serve's proxy adds ({BLOCKS} alternating blocks of {PER_BLOCK} "
        "non-streamed requests, one client, a backend that answers at once)\n\n"
        f"{overhead_table(times)}\n\n"
        f"### 1 vs 3 replicas ({CLIENTS} clients, each its own conversation, {SECONDS} s, "
        "a 0.3 s backend; rounds alternate)\n\n"
        f"{scaling_table(scaling)}\n\n"
        "Every replica runs on the same 2 cores, and so do the proxy, PostgreSQL and the "
        "clients: more replicas cannot add CPU here. What they add is more of what one "
        "process serialises (its one store connection, its event loop); on several machines "
        "each replica also brings its own cores."
    )
