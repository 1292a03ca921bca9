"""Bearer JWTs from the configured authorization server, checked as an OAuth 2.1 resource
server must: the signature against the issuer's JWKS, then ``iss``, ``aud``, ``exp`` (and
``nbf``), with a little clock skew allowed.

PyJWT does the checking (``PyJWKClient`` fetches and caches the JWKS, refetching when a token
names a key it has not seen, so the issuer can rotate keys). A token that fails any check is
refused without saying why to the caller; the log says why, never the token.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jwt
import structlog
from mcp.server.auth.provider import AccessToken

from config.mcp import McpOAuthSettings

log = structlog.get_logger("presenters.mcp")
JWKS_CACHE_S = 300


class JwtVerifier:
    """``await verify(token)``: the token's caller and scopes, or None when it is refused."""

    def __init__(self, s: McpOAuthSettings) -> None:
        self.settings = s
        self.keys = jwt.PyJWKClient(s.jwks, cache_keys=True, lifespan=JWKS_CACHE_S, timeout=10)

    async def verify(self, token: str) -> AccessToken | None:
        try:
            key = await asyncio.to_thread(self.keys.get_signing_key_from_jwt, token)
            claims = self.decode(token, key.key)
        except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
            log.warning("mcp_token_refused", reason=type(exc).__name__, detail=str(exc)[:200])
            return None
        return access_token(token, claims, self.settings.user_claim)

    def decode(self, token: str, key: Any) -> dict[str, Any]:
        s = self.settings
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=s.algorithms, audience=s.audience or s.resource,
            issuer=s.issuer, leeway=s.leeway_s, options={"require": ["exp", "iss", "aud"]})
        return claims


def access_token(token: str, claims: dict[str, Any], user_claim: str) -> AccessToken | None:
    """What the SDK keeps of a checked token: who (``user_claim``), which client, scopes."""
    user = claims.get(user_claim)
    if not isinstance(user, str) or not user:
        log.warning("mcp_token_refused", reason=f"no {user_claim} claim")
        return None
    return AccessToken(token=token, client_id=str(claims.get("client_id") or claims.get("azp")
                                                  or user),
                       scopes=token_scopes(claims), expires_at=int(claims["exp"]),
                       subject=user, claims={"iss": claims["iss"]})


def token_scopes(claims: dict[str, Any]) -> list[str]:
    """``scope`` (RFC 8693/9068: space-separated) or ``scp`` (a list, as some issuers do)."""
    scope = claims.get("scope", claims.get("scp", []))
    return scope.split() if isinstance(scope, str) else [str(s) for s in scope]
