"""The bot's MCP client gets OAuth tokens for a remote server: by client credentials, or from
a refresh token an admin provided once, replaced before they expire. The remote server is
another bot (``bot serve mcp`` as an OAuth resource server) and the authorization server a
loopback fake that signs JWTs: MCP both ways."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from structlog.testing import capture_logs

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from config import Settings
from config.mcp import McpClientOAuthSettings
from contracts.events import Event, ToolResult
from tests.fakes.asgi_loopback import base_url, loopback_socket, serving_asgi
from tests.fakes.mcp_servers import with_servers
from tests.fakes.oauth_server import FakeIssuer
from tests.integration.mcp_helpers import serving_mcp, with_serve

pytest.importorskip("mcp")
ASK = Reply(tool_calls=[ScriptedToolCall(id="c1", name="ask", arguments={"question": "hi?"})])


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    sock = loopback_socket()
    fake = FakeIssuer(base_url(sock), clients={"bot-b": "b-secret-0123456789", "cli": None},
                      scopes=["bot:ask"])
    with serving_asgi(fake.app(), sock):
        yield fake


@pytest.fixture
def remote(make_bot: Callable[..., Any], settings: Settings,
           issuer: FakeIssuer) -> Iterator[str]:
    """Bot A: answers ``ask`` for tokens of ``issuer`` only; yields its MCP URL."""
    sock = loopback_socket()
    url = base_url(sock) + "/mcp"
    issuer.audience = url
    bot = make_bot(settings_=with_serve(settings, oauth={"issuer": issuer.issuer,
                                                        "resource": url}),
                   primary=ScriptedLLM(default="The remote bot answers."))
    with serving_mcp(bot, sock):
        yield url


async def ask_through(make_bot: Callable[..., Any], settings: Settings, url: str,
                      oauth: dict[str, Any], turns: int = 1) -> list[ToolResult]:
    """Bot B calls bot A's ``ask`` once per turn; the tool results."""
    server = {"url": url, "oauth": McpClientOAuthSettings(**oauth), "allow": ["ask"]}
    bot = make_bot(*[r for _ in range(turns) for r in (ASK, "Relayed.")],
                   settings_=with_servers(settings, remote=server))
    results = []
    for n in range(turns):
        events: list[Event] = [e async for e in bot.session("test:oauth").send(f"go {n}")]
        results += [e for e in events if isinstance(e, ToolResult)]
    await bot.aclose()
    return results


async def test_client_credentials_get_a_token_that_is_reused_until_near_expiry(
    make_bot: Callable[..., Any], settings: Settings, remote: str, issuer: FakeIssuer
) -> None:
    oauth = {"token_url": f"{issuer.issuer}/token", "client_id": "bot-b",
             "client_secret": "b-secret-0123456789", "scope": "bot:ask"}
    results = await ask_through(make_bot, settings, remote, oauth, turns=2)
    assert all(not r.is_error and "The remote bot answers." in r.content for r in results)
    assert [g["grant_type"] for g in issuer.grants] == ["client_credentials"]  # reused
    assert issuer.grants[0]["resource"] == remote and issuer.grants[0]["scope"] == "bot:ask"


async def test_a_token_near_expiry_is_refreshed_before_it_is_used(
    make_bot: Callable[..., Any], settings: Settings, remote: str, issuer: FakeIssuer
) -> None:
    issuer.expires_in = 30  # inside refresh_before_s: each use replaces it first
    oauth = {"token_url": f"{issuer.issuer}/token", "client_id": "bot-b",
             "client_secret": "b-secret-0123456789", "refresh_before_s": 60}
    results = await ask_through(make_bot, settings, remote, oauth, turns=2)
    assert all(not r.is_error for r in results)
    grants = [g["grant_type"] for g in issuer.grants]
    assert len(grants) >= 3 and set(grants) == {"client_credentials"}  # one per use, at least


async def test_a_refresh_token_an_admin_provided_is_used_and_rotated(
    make_bot: Callable[..., Any], settings: Settings, remote: str, issuer: FakeIssuer
) -> None:
    issuer.refresh_tokens.add("admin-provided-refresh-token")
    issuer.expires_in = 30  # each use refreshes: the rotated refresh token must be the one sent
    oauth = {"token_url": f"{issuer.issuer}/token", "client_id": "cli",
             "refresh_token": "admin-provided-refresh-token"}
    results = await ask_through(make_bot, settings, remote, oauth, turns=2)
    assert all(not r.is_error and "The remote bot answers." in r.content for r in results)
    first, later = issuer.grants[0], issuer.grants[1:]
    assert (first["grant_type"], first["refresh_token"], first["client_id"]) == (
        "refresh_token", "admin-provided-refresh-token", "cli")
    assert later and all(g["refresh_token"] != first["refresh_token"] for g in later)


async def test_a_refused_grant_is_logged_naming_the_setting_and_not_the_secret(
    make_bot: Callable[..., Any], settings: Settings, remote: str, issuer: FakeIssuer
) -> None:
    oauth = {"token_url": f"{issuer.issuer}/token", "client_id": "bot-b",
             "client_secret": "wrong-secret-0123456789"}
    with capture_logs() as logs:
        await ask_through(make_bot, settings, remote, oauth)
    failed = next(e for e in logs if e["event"] == "mcp_server_failed")
    assert "refused a token (401 invalid_client)" in failed["error"]
    assert "[mcp.servers.remote.oauth]" in failed["error"]
    assert "wrong-secret" not in repr(logs)
