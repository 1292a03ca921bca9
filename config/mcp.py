"""Settings for MCP both ways: the servers whose tools the bot uses (``[mcp.servers.NAME]``),
and the bot as an MCP server (``[mcp.serve]``, ``bot serve mcp``). See docs/mcp.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

SERVER_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")


class McpClientOAuthSettings(BaseModel):
    """``[mcp.servers.NAME.oauth]``: access tokens for a remote server from its authorization
    server, by client credentials or from a refresh token an admin obtained once."""

    model_config = {"extra": "forbid"}

    token_url: str = Field(description="the authorization server's token endpoint")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr | None = Field(None, description="a confidential client's secret")
    refresh_token: SecretStr | None = Field(
        None, description="a refresh token an admin obtained once; used instead of client "
        "credentials, and replaced by the one each refresh returns")
    scope: str | None = Field(None, description="scopes to ask for, space-separated")
    resource: str | None = Field(None, description="RFC 8707 resource to ask a token for; "
                                 "default: the server's url")
    refresh_before_s: float = Field(
        60.0, ge=0, description="a token this close to expiry is replaced before it is used")

    @model_validator(mode="after")
    def _a_grant(self) -> McpClientOAuthSettings:
        if not self.token_url.startswith(("http://", "https://")):
            raise ValueError(f"oauth.token_url {self.token_url!r} is not an http(s) URL. Fix: "
                             "use the authorization server's token endpoint")
        if self.client_secret is None and self.refresh_token is None:
            raise ValueError("oauth needs client_secret (client credentials) or refresh_token "
                             "(one an admin obtained). Fix: set one of them, e.g. from an "
                             "environment variable")
        return self


class McpServerSettings(BaseModel):
    """One MCP server: a command run over stdio, or a streamable HTTP URL."""

    model_config = {"extra": "forbid"}

    command: list[str] = Field(
        default_factory=list, description="argv of a stdio server, e.g. [\"mcp-server-time\"]")
    env: dict[str, SecretStr] = Field(
        default_factory=dict, description="extra environment for the stdio command")
    cwd: Path | None = None
    url: str | None = Field(None, description="a streamable HTTP endpoint, e.g. http://host/mcp")
    headers: dict[str, SecretStr] = Field(
        default_factory=dict, description="HTTP headers, e.g. Authorization (kept secret)")
    oauth: McpClientOAuthSettings | None = Field(
        None, description="OAuth access tokens for an HTTP server, kept fresh")
    allow: list[str] | None = Field(
        None, description="the tools offered to the model; default: every tool the server lists")
    ask_first: bool | list[str] = Field(
        False, description="tools that need a person's approval before each call (true: all)")
    namespace: bool = Field(
        False, description="always name tools SERVER_TOOL; otherwise only when names clash")
    timeout_s: float = Field(30.0, gt=0, description="deadline of one tool call")
    tool_timeouts: dict[str, float] = Field(
        default_factory=dict, description="per-tool deadlines that override timeout_s")
    startup_timeout_s: float = Field(
        30.0, gt=0, description="deadline for starting the server and listing its tools")
    max_result_chars: int = Field(
        8000, gt=0, description="longer results are cut, and the model is told so")

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSettings:
        if bool(self.command) == bool(self.url):
            raise ValueError(
                "an MCP server needs exactly one of command (stdio) or url (streamable HTTP). "
                "Fix: set command = [\"mcp-server-time\"] or url = \"http://127.0.0.1:8765/mcp\"")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url {self.url!r} is not an http(s) URL. Fix: use http://host/mcp")
        if self.oauth and (self.command or "authorization" in map(str.lower, self.headers)):
            raise ValueError("oauth is for an HTTP server that does not get an Authorization "
                             "header. Fix: drop headers.Authorization, or oauth for a stdio server")
        return self

    def asks_first(self, tool: str) -> bool:
        """Whether calls to ``tool`` wait for a person's approval."""
        return self.ask_first is True or (isinstance(self.ask_first, list)
                                          and tool in self.ask_first)

    def timeout_for(self, tool: str) -> float:
        return self.tool_timeouts.get(tool, self.timeout_s)


LOOPBACK = ("127.0.0.1", "localhost", "::1")
TOKEN_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MIN_TOKEN_CHARS = 16
DEFAULT_SCOPES = {"ask": "bot:ask", "search_knowledge": "bot:search", "documents": "bot:read"}


class McpOAuthSettings(BaseModel):
    """``[mcp.serve.oauth]``: the server as an OAuth 2.1 resource server (RFC 9728).

    Bearer JWTs from ``issuer`` are checked against its JWKS: signature, ``iss``, ``aud``,
    ``exp``; their scopes decide which tools (and documents and prompts) a caller may use.
    """

    model_config = {"extra": "forbid"}

    issuer: str = Field(description="the authorization server's issuer URL (the iss claim)")
    resource: str = Field(description="this MCP endpoint's public URL, e.g. "
                          "https://bot.example.com/mcp; tokens must name it in aud")
    jwks_url: str | None = Field(None, description="default: ISSUER/.well-known/jwks.json")
    audience: str | None = Field(None, description="the aud tokens must carry; default: resource")
    scopes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_SCOPES),
        description="what -> the scope it needs: ask, search_knowledge, documents (resources "
        "and prompts)")
    user_claim: str = Field("sub", description="the claim that names the caller")
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "PS256", "EdDSA"])
    leeway_s: int = Field(30, ge=0, le=300, description="clock skew allowed on exp and nbf")

    @model_validator(mode="after")
    def _urls(self) -> McpOAuthSettings:
        for field in ("issuer", "resource", "jwks_url"):
            value = getattr(self, field)
            if value is not None and not value.startswith(("http://", "https://")):
                raise ValueError(f"mcp.serve.oauth.{field} = {value!r} is not an http(s) URL. "
                                 "Fix: write the full URL, e.g. https://auth.example.com")
        unknown = set(self.scopes) - set(DEFAULT_SCOPES)
        if unknown:
            raise ValueError(f"mcp.serve.oauth.scopes names {sorted(unknown)}. Fix: use "
                             f"{', '.join(DEFAULT_SCOPES)}")
        return self

    @property
    def jwks(self) -> str:
        return self.jwks_url or self.issuer.rstrip("/") + "/.well-known/jwks.json"

    def scope_for(self, what: str) -> str:
        """The scope a token needs for ``what`` (a tool, or ``documents``)."""
        return self.scopes.get(what, DEFAULT_SCOPES[what])


class McpServeSettings(BaseModel):
    """``bot serve mcp``: the bot as an MCP server exposing ``ask`` and ``search_knowledge``."""

    model_config = {"extra": "forbid"}

    transport: Literal["stdio", "http"] = "stdio"
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    path: str = Field("/mcp", pattern=r"^/", description="the streamable HTTP endpoint")
    token: SecretStr | None = Field(
        None, description="one bearer token HTTP clients must send (the caller \"token\"); "
        "prefer named tokens")
    tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description="name -> bearer token; the name is the caller's "
        "user and its space is mcp:<name>, as with api.keys")
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Host header values clients use off loopback, e.g. "
        "\"bot.example.com\" or \"10.0.0.5:8765\" (DNS-rebinding protection)")
    oauth: McpOAuthSettings | None = None
    watch_s: float = Field(
        10.0, gt=0, description="how often subscribed documents are checked for changes")

    @field_validator("tokens")
    @classmethod
    def _tokens_usable(cls, tokens: dict[str, SecretStr]) -> dict[str, SecretStr]:
        seen: set[str] = set()
        for name, token in tokens.items():
            if not TOKEN_NAME.fullmatch(name):
                raise ValueError(f"mcp.serve.tokens name {name!r} must be 1-64 letters, digits, "
                                 "'.', '_' or '-'. Fix: rename it (the name is the caller's id)")
            secret = token.get_secret_value()
            if len(secret) < MIN_TOKEN_CHARS or secret in seen:
                raise ValueError(
                    f"mcp.serve.tokens.{name} is shorter than {MIN_TOKEN_CHARS} characters or "
                    "repeats another token. Fix: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'")
            seen.add(secret)
        return tokens

    @property
    def on_loopback(self) -> bool:
        return self.host in LOOPBACK

    def named_tokens(self) -> dict[str, SecretStr]:
        """Every static token by caller name (``token`` is the caller named "token")."""
        return {**({"token": self.token} if self.token else {}), **self.tokens}

    def guarded(self) -> bool:
        """Whether HTTP callers must prove who they are (a token or OAuth)."""
        return bool(self.named_tokens()) or self.oauth is not None


class McpSettings(BaseModel):
    """``[mcp]``: MCP servers whose tools the tools agent may call, and ``bot serve mcp``."""

    model_config = {"extra": "forbid"}

    servers: dict[str, McpServerSettings] = Field(default_factory=dict)
    serve: McpServeSettings = Field(default_factory=lambda: McpServeSettings())

    @field_validator("servers")
    @classmethod
    def _names(cls, servers: dict[str, McpServerSettings]) -> dict[str, McpServerSettings]:
        for name in servers:
            if not SERVER_NAME.fullmatch(name):
                raise ValueError(
                    f"MCP server name {name!r} may hold only letters, digits, _ and - (at most "
                    "32); it prefixes tool names. Fix: rename [mcp.servers.NAME]")
        return servers
