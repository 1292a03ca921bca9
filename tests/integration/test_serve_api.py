"""The OpenAI-compatible API as 3 Ray Serve replicas on a loopback cluster (a head and a
worker node) sharing a real PostgreSQL store and a real Chroma server: a conversation spread
over replicas keeps its whole history; a replica killed mid-stream costs that answer only,
never the question; every replica searches the one knowledge base."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from knowledge.ingest import ingest
from stores import open_store
from tests.fakes.chroma_server import chroma_command, chroma_server
from tests.fakes.ray_cluster import REPLICA_TITLE, LoopbackRayCluster
from tests.integration.serve_api_helpers import api_config, ask, ask_body, headers
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm

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
    shown, failure, sent = "", None, False
    async with deployed(config) as url, aiohttp.ClientSession() as http:
        try:
            async with http.post(f"{url}/v1/chat/completions", headers=headers("killed"),
                                 json=ask_body("tell me a long story", stream=True)) as stream:
                killed = int(stream.headers["X-Bot-Replica-Pid"])
                async for line in stream.content:
                    shown += line.decode()
                    # the answer is streaming: kill its replica, once (on a busy machine lines
                    # already buffered keep coming after the replica is gone)
                    if not sent and shown.count('"content"') >= 5:
                        os.kill(killed, signal.SIGKILL)
                        sent = True
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


async def test_replicas_search_one_chroma_server_and_keep_nothing_local(
    tmp_path: Path, ray_cluster: LoopbackRayCluster, postgres_url: str, deployed: Any,
    free_port: int,
) -> None:
    if chroma_command() is None:
        pytest.skip("the chroma CLI is not installed")
    with chroma_server(tmp_path / "chroma", free_port) as chroma:
        ingest(kb_settings(tmp_path / "ingest", url=chroma), [write_corpus(tmp_path / "docs")],
               embedder=shared_minilm(), progress=False)
        replica_data = tmp_path / "replica-data"
        config = api_config(tmp_path, ray_cluster, postgres_url, "search_then_answer", top={
            "tools": ["search_knowledge"], "data_dir": str(replica_data), "kb": {"url": chroma}})
        found: dict[int, str] = {}  # replica pid -> the source its search found first
        async with deployed(config) as url, aiohttp.ClientSession() as http:
            for n in range(30):
                if len(found) == 3:
                    break
                async with http.post(f"{url}/v1/chat/completions", headers=headers(f"kb-{n}"),
                                     json=ask_body("How many days off do I get each year?")
                                     ) as response:
                    reply = await response.json()
                    assert response.status == 200, reply
                    sources = reply["choices"][0]["message"]["bot"]["sources"]
                    found[int(response.headers["X-Bot-Replica-Pid"])] = sources[0]["source"]
    assert len(found) == 3
    assert set(found.values()) == {"docs/vacation.md"}
    assert not (replica_data / "chroma").exists()  # nothing written beside the replicas
