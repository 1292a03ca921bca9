"""Who is calling ``bot serve mcp``, and what they may use.

A caller is a named token (``mcp.serve.tokens``: its name), an OAuth bearer JWT (its ``sub``,
or ``mcp.serve.oauth.user_claim``), or, where no credential is asked for (stdio, HTTP on
loopback without tokens), the local caller ``local``. The name is the ``user`` of every turn
the caller asks, and ``mcp:<name>`` its space, so per-user and per-space budgets and
``[spaces]`` apply as they do to API keys.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from config.mcp import McpServeSettings

LOCAL = "local"
EVERYTHING = "*"  # the scope a named token holds: it may use every tool
UNSAFE = re.compile(r"[^A-Za-z0-9_.@-]")


@dataclass(frozen=True)
class Caller:
    name: str
    scopes: frozenset[str]

    @property
    def user(self) -> str:
        return self.name

    @property
    def space(self) -> str:
        return f"mcp:{self.name}"

    def may(self, scope: str | None) -> bool:
        """Whether this caller holds ``scope`` (None: no scope is asked for)."""
        return scope is None or EVERYTHING in self.scopes or scope in self.scopes


LOCAL_CALLER = Caller(LOCAL, frozenset({EVERYTHING}))


class NotGranted(PermissionError):
    """The caller's token lacks the scope for what it asked."""


def granted(request: Any, s: McpServeSettings, what: str) -> Caller:
    """The caller, when their token grants ``what`` (a tool, or ``documents``)."""
    caller = caller_of(request)
    if s.oauth is not None and not caller.may(s.oauth.scope_for(what)):
        raise NotGranted(f"your token does not grant {what}: it needs the scope "
                         f"{s.oauth.scope_for(what)!r}")
    return caller


def caller_of(request: Any) -> Caller:
    """The caller the HTTP request authenticated as; the local caller on stdio."""
    scope = getattr(request, "scope", None) or {}
    user = scope.get("user")
    token = getattr(user, "access_token", None)
    if token is None:
        return LOCAL_CALLER
    name = UNSAFE.sub("_", token.subject or token.client_id)[:128]
    return Caller(name, frozenset(token.scopes))


def named_token(token: str, tokens: dict[str, SecretStr]) -> str | None:
    """The name of the configured token ``token`` is; every one compared in constant time."""
    found = None
    for name, secret in tokens.items():
        if hmac.compare_digest(token.encode(), secret.get_secret_value().encode()):
            found = name
    return found


class CallerVerifier:
    """The SDK's ``TokenVerifier``: a named token, else (with OAuth on) a JWT from the issuer."""

    def __init__(self, s: McpServeSettings) -> None:
        from presenters.mcp.jwt_tokens import JwtVerifier

        self.tokens = s.named_tokens()
        self.jwt = JwtVerifier(s.oauth) if s.oauth else None

    async def verify_token(self, token: str) -> Any:
        from mcp.server.auth.provider import AccessToken

        name = named_token(token, self.tokens)
        if name is not None:
            return AccessToken(token=token, client_id=name, subject=name, scopes=[EVERYTHING])
        return await self.jwt.verify(token) if self.jwt else None
