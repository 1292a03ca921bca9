"""How an HTTP answer from a hosted service becomes one of the contract's errors.

Every connector maps status codes the same way, so an operator reads the same kinds of
message whichever service failed: 401/403 name the variable holding the secret and the fix,
429 carries the wait the service asked for, 5xx and timeouts say "try again later".
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from sources.model import AuthFailed, Malformed, RateLimited, Skipped, SourceError, Unavailable
from sources.retry_after import parse_retry_after


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait, from ``Retry-After`` (seconds or an HTTP date) or, failing that,
    GitHub-style ``X-RateLimit-Reset`` (epoch seconds) when the remaining quota is 0."""
    lowered = {k.lower(): v for k, v in headers.items()}
    now = time.time() if now is None else now
    value = lowered.get("retry-after")
    if value:
        return parse_retry_after(value, now)
    if lowered.get("x-ratelimit-remaining") == "0" and lowered.get("x-ratelimit-reset"):
        try:
            return max(0.0, float(lowered["x-ratelimit-reset"]) - now)
        except ValueError:
            return None
    return None


def is_rate_limited(status: int, headers: Mapping[str, str], body: str = "") -> bool:
    """429, or a 403 that carries rate-limit signs (GitHub answers its limits with 403)."""
    if status == 429:
        return True
    lowered = {k.lower(): v for k, v in headers.items()}
    signs = "retry-after" in lowered or lowered.get("x-ratelimit-remaining") == "0"
    return status == 403 and (signs or "rate limit" in body.lower())


def fault_for_status(
    status: int, headers: Mapping[str, str], *, service: str, what: str, auth_fix: str,
    body: str = "",
) -> SourceError:
    """The error for a failed answer. ``what`` names the thing asked for ("repo acme/x"),
    ``auth_fix`` says which variable to change and how (used for 401 and plain 403)."""
    said = f"{service} answered {status} for {what}"
    if is_rate_limited(status, headers, body):
        wait = retry_after_seconds(headers)
        after = f"; retry after {wait:.0f} s" if wait is not None else ""
        return RateLimited(f"{said}: rate limited{after}", retry_after=wait)
    if status in (401, 403):
        return AuthFailed(f"{said}: {auth_fix}")
    if status == 404:
        return Skipped(f"{said}: it no longer exists (or the credentials cannot see it)")
    if status >= 500 or status in (408, 409):
        return Unavailable(f"{said}: the service is failing; the next sync tries again")
    return Malformed(f"{said}: {body[:200] or 'unexpected answer'}")


def timed_out(service: str, what: str) -> Unavailable:
    """A request that got no answer in time (or no connection at all)."""
    return Unavailable(f"{service} did not answer in time for {what}; the next sync tries again")


def too_large(what: str, size: int, limit: int) -> Skipped:
    """A document over the connector's ``max_bytes``."""
    return Skipped(f"{what} is {size:,} bytes, over max_bytes = {limit:,}; raise it to ingest")
