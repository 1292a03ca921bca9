"""Joining a Ray cluster as the driver of ``bot deploy``: one clear line when it cannot.

``ray.init`` against an address nobody answers retries for minutes, printing a warning every
few seconds; so the address is tried first with a plain TCP connection, and every other
failure (a refused token, a head that died mid-way) becomes one :class:`ClusterUnavailable`
sentence with the fix.
"""

from __future__ import annotations

import logging
import os
import socket

PROBE_TIMEOUT_S = 5.0
FIX = ("Fix: start the cluster (`ray start --head` on the head node, see docs/deploy.md), or "
       "correct deploy.address (BOT_DEPLOY__ADDRESS, --address) or RAY_ADDRESS")


class ClusterUnavailable(RuntimeError):
    """The Ray cluster cannot be reached or joined; the message says why and what to do."""


def cluster_address(configured: str | None) -> str | None:
    """``deploy.address``, else ``RAY_ADDRESS``; None when neither is set."""
    return configured or os.environ.get("RAY_ADDRESS") or None


def probe(address: str) -> None:
    """Raise :class:`ClusterUnavailable` unless something listens at ``host:port``."""
    if address.startswith("ray://") or address == "auto":
        return  # Ray Client, or Ray's own lookup of a local cluster: let ray.init decide
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ClusterUnavailable(f"the Ray address {address!r} is not host:port (the head's "
                                 f"GCS port, 6379 by default). {FIX}")
    try:
        socket.create_connection((host.strip("[]"), int(port)), PROBE_TIMEOUT_S).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ClusterUnavailable(f"cannot reach the Ray cluster at {address}: {reason} "
                                 f"(is its head node running?). {FIX}") from None


def join(address: str) -> None:
    """Connect this process to the cluster at ``address`` as a driver."""
    import ray

    probe(address)
    try:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False,
                 namespace="bot")
    except Exception as exc:
        raise ClusterUnavailable(_explain(address, exc)) from None


def start_local(num_cpus: int | None = None) -> None:
    """A Ray of this process only, for ``bot serve … --ray`` without a cluster."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray.init(num_cpus=num_cpus, include_dashboard=False, logging_level=logging.ERROR,
                 log_to_driver=False, namespace="bot")
    except Exception as exc:
        raise ClusterUnavailable(f"cannot start a local Ray: {_first_line(exc)}. Fix: run "
                                 "`ray stop` if an old local Ray is stuck") from None


def _explain(address: str, exc: Exception) -> str:
    if type(exc).__name__ == "AuthenticationError" or "Authentication" in str(exc)[:300]:
        return (f"the Ray cluster at {address} refused to let us in (token authentication). "
                "Fix: export RAY_AUTH_MODE=token and RAY_AUTH_TOKEN (or ~/.ray/auth_token) "
                "as on the cluster's nodes")
    return f"cannot join the Ray cluster at {address}: {_first_line(exc)}. {FIX}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
