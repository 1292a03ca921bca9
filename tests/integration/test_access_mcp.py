"""``bot serve mcp`` under ``[access]``, driven by the official ``mcp`` client over stdio: the
caller's token maps to a principal, and neither ``search_knowledge`` nor ``ask`` (the model's
tool results included) carries a passage that principal may not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config import Settings
from tests.fakes.mcp_servers import require_mcp
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.test_mcp_server import stdio_client, write_config
from tests.kb.access_corpus import ProbeWorld, ingest_world, leaks, make_world
from tests.kb.helpers import kb_settings, shared_minilm

ASKER = "user:u0@example.com"


@pytest.fixture(autouse=True)
def _mcp_installed() -> None:
    require_mcp()
    pytest.importorskip("chromadb")


@pytest.fixture(scope="module")
def probe_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProbeWorld, Path]:
    root = tmp_path_factory.mktemp("access-mcp")
    world = make_world(n_docs=24, n_users=6, n_groups=3, seed=11)
    settings: Settings = kb_settings(root / "data")
    ingest_world(world, settings, root / "docs", shared_minilm())
    return world, root / "data"


def access_toml(world: ProbeWorld) -> str:
    groups = "\n".join(f"{g} = {json.dumps(m)}" for g, m in world.groups.items())
    # the stdio caller is `local`; its token name asks as ASKER
    return (f'[kb]\nmin_score = -1.0\n[access]\nenabled = true\n[access.groups]\n{groups}\n'
            f'[access.keys.local]\nprincipal = "{ASKER}"\n')


async def test_mcp_search_and_ask_show_only_what_the_caller_may_read(
    openai_server: FakeOpenAI, probe_kb: tuple[ProbeWorld, Path], tmp_path: Path
) -> None:
    world, data_dir = probe_kb
    asker = world.principal(ASKER)
    secret = next(d for d in world.docs if not set(d.readers) & set(asker.grants))
    openai_server.reply(FakeReply(tool_calls=[FakeToolCall(
        "search_knowledge", {"query": secret.question()})]), "Nothing I may show.")
    seen: list[str] = []
    config = write_config(tmp_path, data_dir, openai_server, access_toml(world))
    async with stdio_client(config) as client:
        for doc in world.docs:
            found = await client.call_tool("search_knowledge", {"query": doc.question()})
            seen.append(json.dumps(found.structured_content))
        answer = await client.call_tool("ask", {"question": secret.question()})
        seen.append(json.dumps(answer.structured_content))
        listed = (await client.list_resources()).resources  # documents as resources
        for resource in listed:
            seen.append((await client.read_resource(str(resource.uri))).contents[0].text)
        hidden = str(listed[0].uri).replace(Path(listed[0].name).name, secret.name)
        with pytest.raises(Exception, match="no document at"):  # same as a missing one
            await client.read_resource(hidden)
    names = {Path(r.name).name for r in listed}
    assert names == {d.name for d in world.docs if set(d.readers) & set(asker.grants)}
    seen += [json.dumps(r.messages) for r in openai_server.chat_requests]
    assert leaks(world, asker, seen) == []
    readable = [d for d in world.docs if set(d.readers) & set(asker.grants)]
    assert readable and any(d.canary in s for d in readable for s in seen)
