"""OAuth access tokens for a remote MCP server (``[mcp.servers.NAME.oauth]``).

A token is fetched from the configured token endpoint by the client credentials grant, or
by the refresh token grant when an admin provided a refresh token once (each refresh may
return a new one, which replaces it). A token is replaced ``refresh_before_s`` before it
expires, so no call goes out with one about to lapse; a 401 anyway (revoked, clock skew)
gets one fresh token and one retry. Tokens live in memory as ``SecretStr``, never logged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Any

import httpx2
import structlog
from pydantic import SecretStr

from config.mcp import McpClientOAuthSettings
from contracts.tools import ToolError

log = structlog.get_logger("tools.mcp")
DEFAULT_EXPIRES_S = 3600  # a token endpoint that names no lifetime


class TokenRefused(ToolError):
    """The authorization server gave no token; the model reads why."""


class OAuthTokens:
    """The current access token of one server; ``await bearer()`` keeps it fresh."""

    def __init__(self, server: str, s: McpClientOAuthSettings, resource: str) -> None:
        self.server, self.s, self.resource = server, s, s.resource or resource
        self.refresh: SecretStr | None = s.refresh_token
        self.access: SecretStr | None = None
        self.expires_at = 0.0
        self._lock = asyncio.Lock()

    async def bearer(self, force: bool = False) -> str:
        async with self._lock:
            stale = time.time() >= self.expires_at - self.s.refresh_before_s
            if force or self.access is None or stale:
                await self._fetch()
            assert self.access is not None
            return self.access.get_secret_value()

    async def _fetch(self) -> None:
        grant = "refresh_token" if self.refresh is not None else "client_credentials"
        async with httpx2.AsyncClient(timeout=30) as http:
            response = await http.post(self.s.token_url, data=self._form(grant),
                                       auth=self._client_auth())
        body = token_body(response)
        if response.status_code != 200 or not body.get("access_token"):
            log.error("mcp_oauth_refused", server=self.server, grant=grant,
                      status=response.status_code, error=str(body.get("error", ""))[:100])
            raise TokenRefused(f"the authorization server of MCP server {self.server!r} "
                               f"refused a token ({response.status_code} "
                               f"{body.get('error', '')}); check [mcp.servers.{self.server}"
                               ".oauth]")
        self.access = SecretStr(str(body["access_token"]))
        lifetime = float(body.get("expires_in") or DEFAULT_EXPIRES_S)
        self.expires_at = time.time() + lifetime
        if body.get("refresh_token") and grant == "refresh_token":
            self.refresh = SecretStr(str(body["refresh_token"]))  # rotated: the old one is spent
        log.info("mcp_oauth_token", server=self.server, grant=grant, expires_in=lifetime)

    def _form(self, grant: str) -> dict[str, str]:
        form = {"grant_type": grant, "resource": self.resource}
        if self.refresh is not None:
            form["refresh_token"] = self.refresh.get_secret_value()
        if self.s.scope:
            form["scope"] = self.s.scope
        if self.s.client_secret is None:  # a public client names itself in the form
            form["client_id"] = self.s.client_id
        return form

    def _client_auth(self) -> Any:
        secret = self.s.client_secret
        return None if secret is None else (self.s.client_id, secret.get_secret_value())


def token_body(response: httpx2.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class BearerAuth(httpx2.Auth):
    """Every request carries the current token; a 401 gets a fresh one and one retry."""

    def __init__(self, tokens: OAuthTokens) -> None:
        self.tokens = tokens

    async def async_auth_flow(self, request: httpx2.Request
                              ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        request.headers["Authorization"] = f"Bearer {await self.tokens.bearer()}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {await self.tokens.bearer(force=True)}"
            yield request
