"""200 API clients at once for 60 s against 3 replicas on the loopback cluster, a 0.3 s
backend: no error, and the store holds exactly the turns the clients were answered — none
lost, none twice (counted conversation by conversation). About two minutes here; the pace
it prints (answers/s, p50, p99) is for information, never asserted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stores import open_store
from tests.fakes.api_load import question, run_load
from tests.fakes.ray_cluster import LoopbackRayCluster
from tests.integration.serve_api_helpers import KEY, api_config

CLIENTS, SECONDS = 200, 60
pytestmark = [pytest.mark.ray, pytest.mark.postgres]


@pytest.mark.timeout(1800)
async def test_200_concurrent_clients_lose_and_duplicate_no_turn(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any
) -> None:
    config = api_config(tmp_path, ray_cluster, postgres_url, "steady")
    async with deployed(config) as url:
        result = await run_load(url, KEY, CLIENTS, SECONDS)
    print(f"\n{CLIENTS} clients, {SECONDS} s: {len(result.latencies_s)} answers, "
          f"{result.requests_per_s:.1f}/s, p50 {result.median_s * 1000:.0f} ms, "
          f"p99 {result.percentile(99) * 1000:.0f} ms, {len(result.errors)} errors")
    assert result.errors == []
    assert len(result.answered) == CLIENTS
    store = open_store(postgres_url, tmp_path)
    try:
        for conversation, answered in result.answered.items():
            turns = store.history(f"api:alice:{conversation}")
            expected = []
            for n in range(1, answered + 1):
                expected += [question(conversation, n), f"ok: {question(conversation, n)}"]
            assert [t.text for t in turns] == expected, conversation
    finally:
        store.close()
