"""The OpenAI-compatible API as 3 Ray Serve replicas on a loopback cluster (a head and a
worker node) sharing a real PostgreSQL store: a conversation spread over replicas keeps its
whole history; a replica killed mid-stream costs that answer only, never the question."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.store import open_store
from tests.fakes.ray_cluster import REPLICA_TITLE, LoopbackRayCluster
from tests.integration.serve_api_helpers import api_config, ask, ask_body, headers

pytestmark = [pytest.mark.ray, pytest.mark.postgres]


async def test_a_conversation_whose_turns_land_on_different_replicas_keeps_its_history(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any
) -> None:
    config = api_config(tmp_path, ray_cluster, postgres_url, "remember")
    asked: list[str] = []
    replicas: list[int] = []
    async with deployed(config) as url, aiohttp.ClientSession() as http:
        while len(set(replicas)) < 3 and len(asked) < 30:  # until every replica took a turn
            asked.append(f"question {len(asked) + 1}")
            answer, replica = await ask(http, url, "shared-history", asked[-1])
            replicas.append(replica)
            # every replica saw every earlier question: the history is the store's, not its own
            assert answer == f"Heard {len(asked)}: " + " | ".join(asked)
    assert len(set(replicas)) == 3
    store = open_store(postgres_url, tmp_path)
    try:
        turns = store.history("api:alice:shared-history")
    finally:
        store.close()
    assert [t.text for t in turns if t.role == "user"] == asked  # each once, in order
    assert len(turns) == 2 * len(asked)


def replicas_now(cluster: LoopbackRayCluster) -> list[int]:
    return cluster.pids(f"{REPLICA_TITLE}bot-api:")


async def test_a_replica_killed_mid_stream_costs_that_answer_only(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any
) -> None:
    config = api_config(tmp_path, ray_cluster, postgres_url, "story_or_remember")
    shown, failure = "", None
    async with deployed(config) as url, aiohttp.ClientSession() as http:
        try:
            async with http.post(f"{url}/v1/chat/completions", headers=headers("killed"),
                                 json=ask_body("tell me a long story", stream=True)) as stream:
                killed = int(stream.headers["X-Bot-Replica-Pid"])
                async for line in stream.content:
                    shown += line.decode()
                    if shown.count('"content"') >= 5:  # the answer is streaming: kill its replica
                        os.kill(killed, signal.SIGKILL)
        except aiohttp.ClientError as exc:
            failure = exc
        answer, replica = await ask(http, url, "killed", "are you still there?")
        until = asyncio.get_running_loop().time() + 300
        while not (len(replicas_now(ray_cluster)) == 3 and killed not in replicas_now(
                ray_cluster)):
            assert asyncio.get_running_loop().time() < until, "Serve did not replace it"
            await asyncio.sleep(1)
    # the client saw the break: the stream cut short (a transport error), or its interrupted mark
    assert isinstance(failure, aiohttp.ClientPayloadError) or "(interrupted)" in shown
    assert "[DONE]" not in shown
    assert answer == "Heard 2: tell me a long story | are you still there?"  # question kept
    store = open_store(postgres_url, tmp_path)
    try:
        turns = store.history("api:alice:killed")
    finally:
        store.close()
    assert [t.text for t in turns if t.role == "user"] == [
        "tell me a long story", "are you still there?"]
    assert replica != killed  # served by a live replica
