"""GitHub push webhooks name the sources and keys to re-sync."""

from __future__ import annotations

import hashlib
import hmac

from sources.github_options import GitHubOptions
from sources.github_webhook import PushTarget, push_targets, signature_ok

SOURCES = {
    "handbook": GitHubOptions(repos=["acme/handbook"], paths=["docs/**/*.md"]),
    "runbooks": GitHubOptions(repos=["acme/ops@release"]),
}


def push(repo: str, ref: str, *commits: dict[str, list[str]], size: int | None = None) -> dict:
    return {"ref": ref, "repository": {"full_name": repo, "default_branch": "main"},
            "commits": list(commits), "size": len(commits) if size is None else size,
            "forced": False}


def test_a_push_maps_to_the_changed_keys_the_source_selects() -> None:
    payload = push("acme/handbook", "refs/heads/main",
                   {"added": ["docs/new.md"], "modified": ["src/x.py"], "removed": []},
                   {"added": [], "modified": ["docs/a/b.md"], "removed": ["docs/old.md"]})
    assert push_targets(payload, SOURCES) == [PushTarget("handbook", frozenset({
        "acme/handbook:docs/new.md", "acme/handbook:docs/a/b.md", "acme/handbook:docs/old.md"}))]


def test_a_push_to_another_branch_or_repo_syncs_nothing() -> None:
    assert push_targets(push("acme/handbook", "refs/heads/feature", {"added": ["docs/x.md"]}),
                        SOURCES) == []
    assert push_targets(push("acme/other", "refs/heads/main", {"added": ["docs/x.md"]}),
                        SOURCES) == []


def test_a_push_to_a_configured_branch_matches_it() -> None:
    targets = push_targets(push("acme/ops", "refs/heads/release", {"modified": ["fire.md"]}),
                           SOURCES)
    assert targets == [PushTarget("runbooks", frozenset({"acme/ops:fire.md"}))]


def test_a_push_whose_commit_list_was_cut_resyncs_the_whole_source() -> None:
    payload = push("acme/handbook", "refs/heads/main", {"added": ["docs/x.md"]}, size=40)
    assert push_targets(payload, SOURCES) == [PushTarget("handbook", frozenset(), whole=True)]


def test_the_signature_is_the_hmac_of_the_raw_body() -> None:
    body = b'{"ref": "refs/heads/main"}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature_ok("s3cret", body, good)
    assert not signature_ok("other", body, good) and not signature_ok("s3cret", body, "")
