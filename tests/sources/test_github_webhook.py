"""GitHub push webhooks name the sources and keys to re-sync; changes chain only from where
the source stands."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Set

from sources.changes import chained
from sources.github_options import GitHubOptions
from sources.github_webhook import PushTarget, push_targets, signature_ok
from sources.model import Change

SOURCES = {
    "handbook": GitHubOptions(repos=["acme/handbook"], paths=["docs/**/*.md"]),
    "runbooks": GitHubOptions(repos=["acme/ops@release"]),
}


BEFORE, AFTER = "a" * 40, "b" * 40


def push(
    repo: str,
    ref: str,
    *commits: dict[str, list[str]],
    size: int | None = None,
    before: str = BEFORE,
    after: str = AFTER,
) -> dict:
    return {
        "ref": ref,
        "repository": {"full_name": repo, "default_branch": "main"},
        "commits": list(commits),
        "size": len(commits) if size is None else size,
        "forced": False,
        "before": before,
        "after": after,
    }


def change(repo: str, present: set[str], removed: Set[str] = frozenset()) -> Change:
    return Change(frozenset(present), frozenset(removed), {repo: BEFORE}, {repo: AFTER})


def test_a_push_maps_to_the_changed_keys_the_source_selects() -> None:
    payload = push(
        "acme/handbook",
        "refs/heads/main",
        {"added": ["docs/new.md"], "modified": ["src/x.py"], "removed": []},
        {"added": [], "modified": ["docs/a/b.md"], "removed": ["docs/old.md"]},
    )
    assert push_targets(payload, SOURCES) == [
        PushTarget(
            "handbook",
            change(
                "acme/handbook",
                {"acme/handbook:docs/new.md", "acme/handbook:docs/a/b.md"},
                {"acme/handbook:docs/old.md"},
            ),
        )
    ]


def test_the_last_commit_that_touches_a_file_decides_whether_it_is_there() -> None:
    payload = push(
        "acme/handbook",
        "refs/heads/main",
        {"added": ["docs/tmp.md"], "removed": ["docs/back.md"]},
        {"removed": ["docs/tmp.md"], "added": ["docs/back.md"]},
    )
    target = push_targets(payload, SOURCES)[0]
    assert target.change is not None
    assert target.change.present == {"acme/handbook:docs/back.md"}
    assert target.change.removed == {"acme/handbook:docs/tmp.md"}


def test_a_push_to_another_branch_or_repo_syncs_nothing() -> None:
    assert (
        push_targets(push("acme/handbook", "refs/heads/feature", {"added": ["docs/x.md"]}), SOURCES)
        == []
    )
    assert (
        push_targets(push("acme/other", "refs/heads/main", {"added": ["docs/x.md"]}), SOURCES) == []
    )


def test_a_push_to_a_configured_branch_matches_it() -> None:
    targets = push_targets(
        push("acme/ops", "refs/heads/release", {"modified": ["fire.md"]}), SOURCES
    )
    assert targets == [PushTarget("runbooks", change("acme/ops", {"acme/ops:fire.md"}))]


def test_a_push_whose_lists_may_be_cut_or_that_rewrote_history_resyncs_the_whole_source() -> None:
    many_files = {"added": [f"docs/{n}.md" for n in range(5000)]}
    for payload in (
        push("acme/handbook", "refs/heads/main", {"added": ["docs/x.md"]}, size=40),
        push("acme/handbook", "refs/heads/main", *[{"added": ["docs/x.md"]}] * 2048),
        push("acme/handbook", "refs/heads/main", many_files),
        {**push("acme/handbook", "refs/heads/main", {"added": ["docs/x.md"]}), "forced": True},
        push("acme/handbook", "refs/heads/main", {"added": ["docs/x.md"]}, before="0" * 40),
    ):
        assert push_targets(payload, SOURCES) == [PushTarget("handbook")]
        assert push_targets(payload, SOURCES)[0].whole


def test_changes_apply_alone_only_when_they_chain_from_the_synced_commit() -> None:
    first = Change(frozenset({"r:a.md", "r:b.md"}), frozenset(), {"r": "c1"}, {"r": "c2"})
    second = Change(frozenset({"r:c.md"}), frozenset({"r:a.md"}), {"r": "c2"}, {"r": "c3"})
    merged = chained([first, second], {"r": "c1"})
    assert merged == Change(
        frozenset({"r:b.md", "r:c.md"}), frozenset({"r:a.md"}), {"r": "c1"}, {"r": "c3"}
    )
    assert chained([first, second], {"r": "c0"}) is None  # a push was missed
    assert chained([second, first], {"r": "c1"}) is None  # out of order
    assert chained([first], {}) is None  # never synced: only a listing knows it all
    assert chained([first, first], {"r": "c1"}) is None  # a redelivery


def test_the_signature_is_the_hmac_of_the_raw_body() -> None:
    body = b'{"ref": "refs/heads/main"}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature_ok("s3cret", body, good)
    assert not signature_ok("other", body, good) and not signature_ok("s3cret", body, "")
