"""Bearer API keys from ``api.keys``: who is calling, by the key's configured name.

The name is the caller's stable, non-secret id: it is stored as the ``user`` of every turn
the key asks for, bound to its log lines, and part of its conversations' keys, so one key
never reads another's conversations.
"""

from __future__ import annotations

import hmac

from pydantic import SecretStr

from presenters.api.errors import ApiError, unauthorized

MISSING = ("You didn't provide an API key. Send it in the Authorization header "
           "(Authorization: Bearer YOUR_KEY).")
WRONG = "Incorrect API key provided."


def bearer_token(header: str | None) -> str | None:
    """The token of ``Authorization: Bearer <token>``; ``None`` when there is none."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def key_id(header: str | None, keys: dict[str, SecretStr]) -> str:
    """The name of the configured key ``header`` carries, else :class:`ApiError` 401.

    Every configured key is compared, in constant time, so timing tells nothing.
    """
    token = bearer_token(header)
    if token is None:
        raise unauthorized(MISSING)
    found = None
    for name, key in keys.items():
        if hmac.compare_digest(token.encode(), key.get_secret_value().encode()):
            found = name
    if found is None:
        raise ApiError(401, WRONG, code="invalid_api_key")
    return found
