"""Authentication of ``bot serve mcp`` over HTTP, through the SDK's own resource-server parts.

With named tokens or OAuth configured, the SDK's bearer middleware asks
:class:`~presenters.mcp.callers.CallerVerifier` about every request: a refused token gets 401
with ``WWW-Authenticate``. With ``[mcp.serve.oauth]`` the server also publishes its
protected-resource metadata (RFC 9728) at ``/.well-known/oauth-protected-resource<path>``,
and the 401 points at it (``resource_metadata=…``), so an OAuth client finds the issuer.
"""

from __future__ import annotations

from typing import Any

from config.mcp import McpServeSettings

# The SDK's AuthSettings needs an issuer even when only static tokens are checked; with no
# resource URL it is never published, so a placeholder that names no real server is used.
NO_ISSUER = "https://no-authorization-server.invalid"


def auth_options(s: McpServeSettings) -> dict[str, Any]:
    """``MCPServer`` keyword arguments: the token verifier and auth settings, or none."""
    if s.transport != "http" or not s.guarded():
        return {}
    from mcp.server.auth.settings import AuthSettings

    from presenters.mcp.callers import CallerVerifier

    oauth = s.oauth
    settings = AuthSettings(
        issuer_url=oauth.issuer if oauth else NO_ISSUER,  # type: ignore[arg-type]
        resource_server_url=oauth.resource if oauth else None,  # type: ignore[arg-type]
        validate_token_resource=False,  # the verifier checks aud itself
        required_scopes=None)
    return {"auth": settings, "token_verifier": CallerVerifier(s)}
