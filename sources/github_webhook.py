"""GitHub ``push`` webhooks: which sources, and which of their keys, a push changed.

The engine receives the webhook, checks its signature with :func:`signature_ok` and calls
:func:`push_targets` with the configured GitHub sources; it then re-syncs what comes back.
A push names the files each of its commits added, modified and removed; those files alone
are synced. When its lists may have been cut, or it was forced, the whole source is synced
through a full (incremental) listing instead of trusting them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sources.github_options import GitHubOptions, RepoRef
from sources.github_tree import file_key
from sources.globs import matches
from sources.model import Change

# GitHub cuts a push delivery's ``commits`` at 2048 and each commit's added/removed/modified
# lists at 5000 paths (docs.github.com, "Webhook events and payloads": push); a list that
# long may have been cut, so the push is synced through a full listing instead.
MAX_LISTED_COMMITS = 2048
MAX_LISTED_PATHS = 5000
NO_COMMIT = "0" * 40  # ``before`` of a branch just created, ``after`` of one deleted


@dataclass(frozen=True)
class PushTarget:
    """Sync source ``source``: just the files ``change`` names, or all of it (``change`` is
    None: the push's own lists cannot be trusted to name every file it changed)."""

    source: str
    change: Change | None = None

    @property
    def whole(self) -> bool:
        return self.change is None


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """True when ``X-Hub-Signature-256`` is the HMAC-SHA256 of the raw body with ``secret``."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


def push_targets(
    payload: Mapping[str, Any], sources: Mapping[str, GitHubOptions]
) -> list[PushTarget]:
    """The sources (by name) that read the pushed repo and branch, with what it changed."""
    repo = payload.get("repository") or {}
    full_name = str(repo.get("full_name", ""))
    branch = str(payload.get("ref", "")).removeprefix("refs/heads/")
    targets = []
    for name, options in sources.items():
        for ref in options.repo_refs():
            if (
                ref.full_name.lower() == full_name.lower()
                and (ref.branch or repo.get("default_branch")) == branch
            ):
                targets.append(PushTarget(name, pushed_change(options, ref, payload)))
    return targets


def pushed_change(
    options: GitHubOptions, ref: RepoRef, payload: Mapping[str, Any]
) -> Change | None:
    """The files of ``ref`` the push added or changed and those it removed, from its commit
    ``before`` to ``after``; None when its lists may be cut, it rewrote history, or it
    created or deleted the branch."""
    commits = list(payload.get("commits") or [])
    before, after = str(payload.get("before") or ""), str(payload.get("after") or "")
    unknown = {before, after} & {NO_COMMIT, ""}  # a branch created or deleted: no diff
    if cut(payload, commits) or payload.get("forced") or unknown:
        return None
    present, removed = net_paths(commits)
    return Change(
        present=frozenset(_keys(options, ref, present)),
        removed=frozenset(_keys(options, ref, removed)),
        before={ref.full_name: before},
        after={ref.full_name: after},
    )


def net_paths(commits: list[Any]) -> tuple[set[str], set[str]]:
    """(paths there after the push, paths gone): the last commit touching a path decides."""
    present: set[str] = set()
    removed: set[str] = set()
    for commit in commits:
        for path in [*(commit.get("added") or []), *(commit.get("modified") or [])]:
            present.add(path)
            removed.discard(path)
        for path in commit.get("removed") or []:
            removed.add(path)
            present.discard(path)
    return present, removed


def cut(payload: Mapping[str, Any], commits: list[Any]) -> bool:
    """True when the push's lists may not name every commit or file (GitHub cut them; an
    Events API payload says so with a ``size`` above its commit list)."""
    if len(commits) >= MAX_LISTED_COMMITS or int(payload.get("size") or 0) > len(commits):
        return True
    lists = (c.get(f) or [] for c in commits for f in ("added", "modified", "removed"))
    return any(len(paths) >= MAX_LISTED_PATHS for paths in lists)


def _keys(options: GitHubOptions, ref: RepoRef, paths: set[str]) -> set[str]:
    return {file_key(ref, p) for p in paths if matches(p, options.paths, options.exclude)}
