"""Who calls ``bot serve mcp``: named tokens are users with spaces (budgets apply per caller),
a conversation id is bound to its caller, made-up ids are refused, ids stay out of the logs,
and a server off loopback needs a credential."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog

from config import Settings
from config.budgets import BudgetSettings, Limits
from config.mcp import McpServeSettings
from tests.integration.mcp_helpers import (
    ALICE,
    BOB,
    client,
    loopback_socket,
    serving_mcp,
    with_serve,
)

pytest.importorskip("mcp")


def named(settings: Settings, **extra: Any) -> Settings:
    return with_serve(settings, tokens={"alice": ALICE, "bob": BOB}, **extra)


def stored_keys(bot: Any) -> list[str]:
    return list(bot.store.keys())


async def ask(url: str, token: str, question: str, **args: Any) -> Any:
    async with client(url, token) as c:
        return await c.call_tool("ask", {"question": question, **args})


async def test_each_named_token_is_a_user_with_its_own_budget(
    make_bot: Callable[..., Any], settings: Settings
) -> None:
    budgets = BudgetSettings(user=Limits(requests="1/hour"))
    bot = make_bot("Alice's answer.", "Bob's answer.", "never said",
                   settings_=named(settings).model_copy(update={"budgets": budgets}))
    with serving_mcp(bot, loopback_socket()) as url:
        first = await ask(url, ALICE, "first?")
        again = await ask(url, ALICE, "second?")
        bob = await ask(url, BOB, "mine?")
    assert first.structured_content["answer"] == "Alice's answer."
    assert again.structured_content["answer"] == "" and again.is_error
    assert "limit" in again.content[0].text.lower()
    assert bob.structured_content["answer"] == "Bob's answer."
    stored = stored_keys(bot)
    assert {t.user for key in stored for t in bot.store.history(key)} == {"alice", "bob"}
    assert all(key.startswith(("mcp:alice:", "mcp:bob:")) for key in stored)


async def test_a_wrong_token_is_refused(make_bot: Callable[..., Any],
                                        settings: Settings) -> None:
    bot = make_bot(settings_=named(settings))
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    with serving_mcp(bot, loopback_socket()) as url:
        missing = httpx.post(url, json=hello, timeout=30)
        wrong = httpx.post(url, json=hello, headers={"Authorization": "Bearer nope"}, timeout=30)
    assert missing.status_code == wrong.status_code == 401
    assert wrong.headers["www-authenticate"].startswith("Bearer")


async def test_a_made_up_or_another_callers_conversation_is_refused(
    make_bot: Callable[..., Any], settings: Settings
) -> None:
    bot = make_bot("One.", "Two.", "never said", settings_=named(settings))
    with serving_mcp(bot, loopback_socket()) as url:
        first = (await ask(url, ALICE, "first?")).structured_content
        again = await ask(url, ALICE, "second?", conversation=first["conversation"])
        made_up = await ask(url, ALICE, "x", conversation="A" * 22)
        stolen = await ask(url, BOB, "x", conversation=first["conversation"])
    assert again.structured_content["conversation"] == first["conversation"]
    assert again.structured_content["answer"] == "Two."
    for refused in (made_up, stolen):
        assert refused.is_error and "earlier ask returned to you" in refused.content[0].text
    assert sum(len(bot.store.history(k)) for k in stored_keys(bot)) == 4  # 2 asked, 2 answers


async def test_conversation_ids_stay_out_of_the_log_and_the_store(
    make_bot: Callable[..., Any], settings: Settings
) -> None:
    bot = make_bot("One.", settings_=named(settings))
    with structlog.testing.capture_logs() as logs, serving_mcp(bot, loopback_socket()) as url:
        done = (await ask(url, ALICE, "first?")).structured_content
    conversation = done["conversation"]
    assert any(e["event"] == "mcp_ask" and e["caller"] == "alice" for e in logs)
    assert conversation not in json.dumps(logs, default=str)
    assert all(conversation not in key for key in stored_keys(bot))


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3"])
def test_off_loopback_without_a_credential_is_refused(host: str) -> None:
    from presenters.mcp.serve import refusal

    problem = refusal(McpServeSettings(transport="http", host=host))
    assert problem and "mcp.serve.tokens" in problem and "Fix:" in problem
    guarded = McpServeSettings(transport="http", host=host, tokens={"alice": ALICE})
    assert (refusal(guarded) is None) == (host != "0.0.0.0")  # every address: name the hosts
    named_hosts = guarded.model_copy(update={"allowed_hosts": ["bot.example.com"]})
    assert refusal(named_hosts) is None


def test_bot_serve_mcp_refuses_an_open_host(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "bot.toml").write_text(f'data_dir = "{tmp_path}"\n')
    done = subprocess.run([sys.executable, "-m", "apps.cli.main", "serve", "mcp", "--transport",
                           "http", "--host", "0.0.0.0"], capture_output=True, text=True,
                          timeout=120, env={"BOT_CONFIG": str(tmp_path / "bot.toml"),
                                            "PYTHONPATH": str(Path(__file__).parents[2])})
    assert done.returncode == 2 and "mcp.serve.tokens" in done.stderr


async def test_dns_rebinding_protection_stays_on_for_configured_hosts(
    make_bot: Callable[..., Any], settings: Settings
) -> None:
    bot = make_bot(settings_=named(settings, allowed_hosts=["bot.example.com"]))
    hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "probe", "version": "1"}}}
    base = {"Authorization": f"Bearer {ALICE}", "Accept": "application/json, text/event-stream"}
    with serving_mcp(bot, loopback_socket()) as url:
        evil = httpx.post(url, json=hello, timeout=30, headers={**base, "Host": "evil.example"})
        origin = httpx.post(url, json=hello, timeout=30,
                            headers={**base, "Origin": "http://evil.example"})
        named_host = httpx.post(url, json=hello, timeout=30,
                                headers={**base, "Host": "bot.example.com"})
    assert evil.status_code == 421 and origin.status_code == 403
    assert named_host.status_code == 200
