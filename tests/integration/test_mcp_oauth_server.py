"""``bot serve mcp`` as an OAuth 2.1 resource server: it publishes protected-resource
metadata (RFC 9728), accepts bearer JWTs that a loopback authorization server signed (its
JWKS fetched over HTTP), refuses expired, wrong-audience and forged ones with a 401 that points
at the metadata, and lets a token's scopes decide which tools it may call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from config import Settings
from tests.fakes.asgi_loopback import base_url, loopback_socket, serving_asgi
from tests.fakes.oauth_server import FakeIssuer, new_key
from tests.integration.mcp_helpers import ALICE, client, serving_mcp, with_serve

pytest.importorskip("mcp")
ASK, SEARCH = "bot:ask", "bot:search"
HELLO = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    sock = loopback_socket()
    fake = FakeIssuer(base_url(sock))
    with serving_asgi(fake.app(), sock):
        yield fake


@pytest.fixture
def served(make_bot: Callable[..., Any], settings: Settings,
           issuer: FakeIssuer) -> Iterator[tuple[str, Any]]:
    """The bot, an OAuth resource server of ``issuer`` (and one named token); (URL, bot)."""
    sock = loopback_socket()
    resource = base_url(sock) + "/mcp"
    oauth = {"issuer": issuer.issuer, "resource": resource}
    bot = make_bot("Answered.", "Again.", "never said",
                   settings_=with_serve(settings, oauth=oauth, tokens={"alice": ALICE}))
    with serving_mcp(bot, sock) as url:
        yield url, bot


def metadata_url(url: str) -> str:
    base, _, path = url.rpartition("/")
    return f"{base}/.well-known/oauth-protected-resource/{path}"


def test_the_protected_resource_metadata_names_the_issuer(
    served: tuple[str, Any], issuer: FakeIssuer
) -> None:
    url, _ = served
    found = httpx.get(metadata_url(url), timeout=30).json()
    assert found["resource"] == url and found["authorization_servers"] == [issuer.issuer]


async def test_a_token_from_the_issuer_asks_as_its_subject(
    served: tuple[str, Any], issuer: FakeIssuer
) -> None:
    url, bot = served
    token = issuer.token("carol", aud=url, scopes=[ASK])
    async with client(url, token) as c:
        done = await c.call_tool("ask", {"question": "hello?"})
    assert done.structured_content["answer"] == "Answered."
    keys = list(bot.store.keys())
    assert [t.user for t in bot.store.history(keys[0])] == ["carol", "carol"]
    assert keys[0].startswith("mcp:carol:")


@pytest.mark.parametrize("problem", ["expired", "audience", "forged", "issuer", "garbage"])
def test_a_bad_token_gets_401_pointing_at_the_metadata(
    problem: str, served: tuple[str, Any], issuer: FakeIssuer
) -> None:
    url, _ = served
    token = {"expired": lambda: issuer.token("carol", url, [ASK], expires_in=-3600),
             "audience": lambda: issuer.token("carol", "https://other.example/mcp", [ASK]),
             "forged": lambda: issuer.token("carol", url, [ASK], key=new_key()),
             "issuer": lambda: issuer.token("carol", url, [ASK], issuer="https://evil.example"),
             "garbage": lambda: "not.a.jwt"}[problem]()
    refused = httpx.post(url, json=HELLO, timeout=30, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    challenge = refused.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{metadata_url(url)}"' in challenge


async def test_scopes_decide_which_tools_a_token_may_call(
    served: tuple[str, Any], issuer: FakeIssuer
) -> None:
    url, bot = served
    async with client(url, issuer.token("dave", aud=url, scopes=[SEARCH])) as c:
        refused = await c.call_tool("ask", {"question": "hello?"})
    assert refused.is_error and "'bot:ask'" in refused.content[0].text
    assert list(bot.store.keys()) == []  # nothing was asked, nothing stored


async def test_named_tokens_still_work_beside_oauth(served: tuple[str, Any]) -> None:
    url, _ = served
    async with client(url, ALICE) as c:
        done = await c.call_tool("ask", {"question": "hello?"})
    assert done.structured_content["answer"] == "Answered."
