"""A small OAuth 2.1 authorization server on loopback: it signs JWT access tokens (RS256)
with a key it publishes as a JWKS, publishes its metadata (RFC 8414), and has a token
endpoint for the client credentials and refresh token grants (refresh tokens rotate).

Tests mint tokens directly (:meth:`FakeIssuer.token`, any audience, expiry or key) to probe
a resource server, or let a client fetch them from ``/token``; every grant is recorded.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

KID = "fake-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeIssuer:
    issuer: str  # its base URL, also the iss claim
    clients: dict[str, str | None] = field(default_factory=dict)  # id -> secret (None: public)
    audience: str = ""  # what /token writes in aud
    scopes: list[str] = field(default_factory=list)  # what /token grants
    expires_in: int = 300
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    grants: list[dict[str, str]] = field(default_factory=list)  # every /token request's form
    refresh_tokens: set[str] = field(default_factory=set)

    def token(self, sub: str, aud: str, scopes: list[str], expires_in: int = 300,
              key: rsa.RSAPrivateKey | None = None, issuer: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer or self.issuer, "sub": sub, "aud": aud, "iat": now,
                  "exp": now + expires_in, "scope": " ".join(scopes), "client_id": sub}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KID})

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/jwks.json", lambda _: JSONResponse(self.jwks())),
            Route("/.well-known/oauth-authorization-server", self.metadata),
            Route("/token", self.token_endpoint, methods=["POST"])])

    async def metadata(self, _: Request) -> JSONResponse:
        return JSONResponse({
            "issuer": self.issuer, "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"]})

    async def token_endpoint(self, request: Request) -> JSONResponse:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.grants.append(form)
        client = self.client_id(request, form)
        if client is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = form.get("grant_type")
        if grant == "refresh_token" and form.get("refresh_token") not in self.refresh_tokens:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if grant not in ("client_credentials", "refresh_token"):
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        answer: dict[str, object] = {"access_token": self.token(client, self.audience, self.scopes,
                                             self.expires_in),
                  "token_type": "Bearer", "expires_in": self.expires_in,
                  "scope": " ".join(self.scopes)}
        if grant == "refresh_token":  # rotated: the old one is spent (RFC 9700 4.14)
            self.refresh_tokens.discard(form["refresh_token"])
            rotated = secrets.token_urlsafe(16)
            self.refresh_tokens.add(rotated)
            answer["refresh_token"] = rotated
        return JSONResponse(answer)

    def client_id(self, request: Request, form: dict[str, str]) -> str | None:
        """The client the request authenticates as (HTTP Basic, or the form's fields)."""
        given = (form.get("client_id"), form.get("client_secret"))
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            pair = base64.b64decode(header[6:]).decode().partition(":")
            given = (pair[0], pair[2])
        name, secret = given
        if not name or name not in self.clients:
            return None
        return name if self.clients[name] in (None, secret) else None
