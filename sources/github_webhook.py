"""GitHub ``push`` webhooks: which sources, and which of their keys, a push changed.

The engine receives the webhook, checks its signature with :func:`signature_ok` and calls
:func:`push_targets` with the configured GitHub sources; it then re-syncs what comes back.
A push payload lists at most 20 commits (``commits``); when it was cut (``size`` above the
list, or a forced push) the whole repo is re-synced instead of trusting the list.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sources.github_options import GitHubOptions
from sources.github_tree import file_key
from sources.globs import matches

MAX_LISTED_COMMITS = 20


@dataclass(frozen=True)
class PushTarget:
    """Re-sync ``keys`` of source ``source`` (all of it when ``whole`` is True)."""

    source: str
    keys: frozenset[str]
    whole: bool = False


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """True when ``X-Hub-Signature-256`` is the HMAC-SHA256 of the raw body with ``secret``."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


def push_targets(payload: Mapping[str, Any],
                 sources: Mapping[str, GitHubOptions]) -> list[PushTarget]:
    """The sources (by name) that read the pushed repo and branch, with the keys it touched."""
    repo = payload.get("repository") or {}
    full_name = str(repo.get("full_name", ""))
    branch = str(payload.get("ref", "")).removeprefix("refs/heads/")
    targets = []
    for name, options in sources.items():
        for ref in options.repo_refs():
            if ref.full_name.lower() == full_name.lower() and \
                    (ref.branch or repo.get("default_branch")) == branch:
                targets.append(_target(name, options, ref, payload))
    return targets


def _target(name: str, options: GitHubOptions, ref: Any, payload: Mapping[str, Any]) -> PushTarget:
    commits = payload.get("commits") or []
    cut = len(commits) >= MAX_LISTED_COMMITS or int(payload.get("size") or 0) > len(commits)
    if cut or payload.get("forced"):
        return PushTarget(name, frozenset(), whole=True)
    paths = {p for c in commits for field in ("added", "modified", "removed")
             for p in c.get(field) or []}
    keys = {file_key(ref, p) for p in paths if matches(p, options.paths, options.exclude)}
    return PushTarget(name, frozenset(keys))
