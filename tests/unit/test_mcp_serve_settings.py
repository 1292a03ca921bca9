"""``[mcp.serve]``'s named tokens and ``[mcp.serve.oauth]``: clear errors naming the field and
the fix, tokens kept secret and redacted from logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from apps.cli.runtime import collect_secrets
from config import load_settings
from config.mcp import McpClientOAuthSettings, McpOAuthSettings, McpServeSettings

CONFIG = """
[mcp.serve]
transport = "http"
host = "10.0.0.5"

[mcp.serve.tokens]
alice = "alice-token-0123456789abc"
ci-bot = "ci-token-0123456789abcdef"

[mcp.serve.oauth]
issuer = "https://auth.example.com"
resource = "https://bot.example.com/mcp"
scopes = { ask = "team:ask" }
"""


def test_named_tokens_and_oauth_load_and_stay_secret(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(CONFIG)
    s = load_settings(tmp_path / "bot.toml")
    serve = s.mcp.serve
    assert sorted(serve.named_tokens()) == ["alice", "ci-bot"] and serve.guarded()
    assert "alice-token" not in repr(serve)
    assert {"alice-token-0123456789abc", "ci-token-0123456789abcdef"} <= set(collect_secrets(s))
    oauth = serve.oauth
    assert oauth is not None and oauth.jwks == "https://auth.example.com/.well-known/jwks.json"
    assert (oauth.scope_for("ask"), oauth.scope_for("search_knowledge")) == (
        "team:ask", "bot:search")


@pytest.mark.parametrize(("tokens", "says"), [
    ({"al ice": "x" * 20}, "mcp.serve.tokens name 'al ice'"),
    ({"alice": "short"}, "mcp.serve.tokens.alice is shorter than 16"),
    ({"a": "y" * 20, "b": "y" * 20}, "repeats another token"),
])
def test_a_bad_token_names_the_field_and_the_fix(tokens: dict[str, str], says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        McpServeSettings(tokens=tokens)  # type: ignore[arg-type]
    assert says in str(caught.value) and "Fix:" in str(caught.value)


@pytest.mark.parametrize(("fields", "says"), [
    ({"issuer": "auth.example.com", "resource": "https://b/mcp"}, "mcp.serve.oauth.issuer"),
    ({"issuer": "https://a", "resource": "https://b/mcp", "scopes": {"delete": "x"}},
     "mcp.serve.oauth.scopes names ['delete']"),
])
def test_bad_oauth_settings_name_the_field_and_the_fix(fields: dict[str, object],
                                                       says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        McpOAuthSettings(**fields)  # type: ignore[arg-type]
    assert says in str(caught.value) and "Fix:" in str(caught.value)


CLIENT = """
[mcp.servers.docs]
url = "https://docs.example/mcp"
[mcp.servers.docs.oauth]
token_url = "https://auth.example/token"
client_id = "bot"
client_secret = "client-secret-4Rt"
refresh_token = "refresh-token-8Yu"
"""


def test_client_oauth_secrets_are_kept_secret_and_redacted(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(CLIENT)
    s = load_settings(tmp_path / "bot.toml")
    assert "client-secret-4Rt" not in repr(s.mcp.servers["docs"])
    assert {"client-secret-4Rt", "refresh-token-8Yu"} <= set(collect_secrets(s))


@pytest.mark.parametrize(("fields", "says"), [
    ({"token_url": "https://a/token", "client_id": "bot"}, "needs client_secret"),
    ({"token_url": "a/token", "client_id": "bot", "client_secret": "x"}, "oauth.token_url"),
])
def test_client_oauth_needs_a_grant_and_a_url(fields: dict[str, object], says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        McpClientOAuthSettings(**fields)  # type: ignore[arg-type]
    assert says in str(caught.value) and "Fix:" in str(caught.value)
