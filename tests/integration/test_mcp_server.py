"""``bot serve mcp`` driven by the official ``mcp`` client: over stdio (the client starts the
bot) and streamable HTTP on loopback. The bot answers through a FakeOpenAI model on loopback
that calls the real knowledge base (Chroma, the offline MiniLM)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from config import Settings
from knowledge.ingest import ingest
from tests.fakes.mcp_servers import TIME_COMMAND, require_mcp, serving
from tests.fakes.openai_profiles import fake_profile
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm

ROOT = Path(__file__).resolve().parents[2]
BOT = [sys.executable, "-m", "apps.cli.main"]
SEARCH = FakeReply(tool_calls=[FakeToolCall("search_knowledge",
                                            {"query": "deploying to production"})])
ANSWER = "Run make release [1]."


@pytest.fixture(autouse=True)
def _mcp_installed() -> None:
    require_mcp()
    pytest.importorskip("chromadb")


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose knowledge base holds the test corpus."""
    root = tmp_path_factory.mktemp("mcp-kb")
    settings: Settings = kb_settings(root / "data")
    ingest(settings, [write_corpus(root / "corpus")], embedder=shared_minilm(), progress=False)
    return root / "data"


def write_config(where: Path, data_dir: Path, server: FakeOpenAI, extra: str = "") -> Path:
    """A bot.toml: the fake model as primary, the knowledge base tool on."""
    profile = "\n".join(f"{k} = {json.dumps(v)}" for k, v in
                        fake_profile(server, timeout_s=20.0).items())
    (where / "bot.toml").write_text(
        f'tools = ["search_knowledge"]\nagent = "tools"\ndata_dir = {json.dumps(str(data_dir))}\n'
        f'[roles]\nprimary = "fake"\n[profiles.fake]\n{profile}\n{extra}', encoding="utf-8")
    return where


def bot_env(where: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT), "BOT_CONFIG": str(where / "bot.toml"),
            "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


def stdio_client(where: Path) -> Any:
    from mcp import Client, StdioServerParameters

    return Client(StdioServerParameters(command=BOT[0], args=[*BOT[1:], "serve", "mcp"],
                                        cwd=where, env=bot_env(where)))


def user_texts(server: FakeOpenAI, n: int) -> list[str]:
    return [m["content"] for m in server.chat_requests[n].messages if m["role"] == "user"]


async def test_ask_over_stdio_is_a_whole_turn_with_sources(
    openai_server: FakeOpenAI, kb_dir: Path, tmp_path: Path
) -> None:
    openai_server.reply(SEARCH, ANSWER, "On Tuesdays.")
    async with stdio_client(write_config(tmp_path, kb_dir, openai_server)) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {"ask", "search_knowledge"}
        first = await client.call_tool("ask", {"question": "How do I deploy?"})
        answer = first.structured_content
        assert answer["answer"] == ANSWER and not first.is_error
        assert {Path(s["source"]).name for s in answer["sources"]} == {"deploy.md"}
        assert [s["n"] for s in answer["sources"]] == list(range(1, len(answer["sources"]) + 1))
        assert answer["steps"] == [{"tool": "search_knowledge", "failed": False,
                                    "approval": None}]
        text = first.content[0].text
        assert text.startswith(ANSWER) and "\n\nSources:\n[1] " in text
        follow = await client.call_tool("ask", {"question": "When?"})  # same client: same talk
        assert follow.structured_content["conversation"] == answer["conversation"]
    assert user_texts(openai_server, 2) == ["How do I deploy?", "When?"]


async def test_search_knowledge_returns_passages_with_sources(
    openai_server: FakeOpenAI, kb_dir: Path, tmp_path: Path
) -> None:
    async with stdio_client(write_config(tmp_path, kb_dir, openai_server)) as client:
        found = await client.call_tool("search_knowledge", {"query": "paid leave days"})
    passages = found.structured_content["passages"]
    assert passages and passages[0]["n"] == 1 and "25 days" in passages[0]["text"]
    assert found.content[0].text.split("\n\n")[1].startswith("[1] ")
    assert openai_server.chat_requests == []  # no model was asked


@pytest.fixture
def http_bot(openai_server: FakeOpenAI, kb_dir: Path, tmp_path: Path,
             free_port: int) -> Iterator[str]:
    """``bot serve mcp`` over HTTP, a bearer token required; yields its URL."""
    write_config(tmp_path, kb_dir, openai_server, '[mcp.serve]\ntoken = "s3cret"\n')
    command = [*BOT, "serve", "mcp", "--transport", "http", "--port", str(free_port)]
    with serving(command, free_port, cwd=tmp_path, env=bot_env(tmp_path)):
        yield f"http://127.0.0.1:{free_port}/mcp"


def http_client(url: str, mode: str = "auto") -> Any:
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    http = httpx2.AsyncClient(headers={"Authorization": "Bearer s3cret"},
                              timeout=httpx2.Timeout(60.0))
    return Client(streamable_http_client(url, http_client=http), mode=mode)


def test_http_without_the_token_is_refused(http_bot: str) -> None:
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    assert httpx.post(http_bot, json=hello).status_code == 401
    wrong = httpx.post(http_bot, json=hello, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


async def test_http_sessions_keep_one_conversation_each(
    openai_server: FakeOpenAI, http_bot: str
) -> None:
    openai_server.reply("One.", "Two.", "Three.")
    async with http_client(http_bot, mode="legacy") as client:  # a client with a session
        first = (await client.call_tool("ask", {"question": "first?"})).structured_content
        second = (await client.call_tool("ask", {"question": "second?"})).structured_content
    assert first["conversation"] == second["conversation"]
    async with http_client(http_bot, mode="legacy") as other:
        third = (await other.call_tool("ask", {"question": "other?"})).structured_content
    assert third["conversation"] != first["conversation"]
    assert user_texts(openai_server, 1) == ["first?", "second?"]
    assert user_texts(openai_server, 2) == ["other?"]


async def test_stateless_http_continues_a_conversation_passed_back(
    openai_server: FakeOpenAI, http_bot: str
) -> None:
    openai_server.reply("One.", "Two.", "Fresh.")
    async with http_client(http_bot) as client:  # 2026-07-28: no sessions
        first = (await client.call_tool("ask", {"question": "first?"})).structured_content
        again = await client.call_tool("ask", {"question": "second?",
                                               "conversation": first["conversation"]})
        fresh = (await client.call_tool("ask", {"question": "new?"})).structured_content
        bad = await client.call_tool("ask", {"question": "x", "conversation": "guess"})
    assert again.structured_content["conversation"] == first["conversation"]
    assert fresh["conversation"] != first["conversation"]
    assert user_texts(openai_server, 1) == ["first?", "second?"]
    assert user_texts(openai_server, 2) == ["new?"]
    assert bad.is_error and "conversation must be an id" in bad.content[0].text


async def test_a_tool_that_asks_first_gets_the_configured_default(
    openai_server: FakeOpenAI, kb_dir: Path, tmp_path: Path
) -> None:
    openai_server.reply(FakeReply(tool_calls=[FakeToolCall("get_current_time",
                                                           {"timezone": "UTC"})]),
                        "I may not look at the clock.")
    servers = (f"[mcp.servers.time]\ncommand = {json.dumps(TIME_COMMAND)}\n"
               "ask_first = true\n")
    async with stdio_client(write_config(tmp_path, kb_dir, openai_server, servers)) as client:
        done = (await client.call_tool("ask", {"question": "time?"})).structured_content
    assert done["steps"] == [{"tool": "get_current_time", "failed": True,
                              "approval": "denied by default (no one to ask)"}]
    tool_reply = openai_server.chat_requests[1].messages[-1]["content"]
    assert "approvals.default = deny" in tool_reply
