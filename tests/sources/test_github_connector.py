"""The GitHub connector through githubkit against a loopback GitHub (tests/fakes/github_server)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sources.github import GitHubConnector
from sources.model import Listing
from tests.fakes.github_server import TOKEN, FakeGitHub, git_sha

HANDBOOK = {
    "README.md": b"# Handbook\n\nStart here.\n",
    "docs/onboarding.md": b"# Onboarding\n\nGet a laptop from IT.\n",
    "docs/deep/vpn.rst": b"VPN\n===\n\nUse WireGuard.\n",
    "src/app.py": b"print('not knowledge')\n",
}


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with FakeGitHub(page_size=2) as fake:
        fake.add_repo("acme/handbook", HANDBOOK)
        yield fake


def connector(fake: FakeGitHub, **options: object) -> GitHubConnector:
    settings = {"repos": ["acme/handbook"], "base_url": fake.api_url, "timeout_s": 5.0} | options
    return GitHubConnector("handbook", GitHubConnector.Options(**settings))


def by_key(listing: Listing) -> dict[str, str]:
    return {e.key: e.version for e in listing.entries}


def test_lists_the_selected_files_with_blob_shas_and_commit_urls(github: FakeGitHub) -> None:
    listing = connector(github).list_documents({})
    head = github.repos["acme/handbook"].commits[-1].sha
    assert listing.complete and listing.cursor == {"acme/handbook": head}
    assert by_key(listing) == {f"acme/handbook:{p}": git_sha(c) for p, c in HANDBOOK.items()
                               if not p.endswith(".py")}
    urls = {e.key: e.url for e in listing.entries}
    assert urls["acme/handbook:docs/onboarding.md"] == (
        f"{github.html('acme/handbook')}/blob/{head}/docs/onboarding.md#L1")


def test_fetch_returns_the_file_with_its_own_last_change_and_public_readers(
        github: FakeGitHub) -> None:
    first = github.repos["acme/handbook"].commits[-1]
    github.push("acme/handbook", {"README.md": b"# Handbook\n\nStart here, then ask.\n"})
    source = connector(github)
    entries = {e.key: e for e in source.list_documents({}).entries}
    doc = source.fetch(entries["acme/handbook:docs/onboarding.md"])
    assert doc.body == HANDBOOK["docs/onboarding.md"] and doc.media_type == "text/markdown"
    assert doc.modified == datetime.fromisoformat(first.date.replace("Z", "+00:00"))
    assert doc.modified.tzinfo == UTC
    assert doc.readers.public and doc.readers.as_list() == ["public"]
    assert "public repo acme/handbook" in doc.readers.why
    readme = source.fetch(entries["acme/handbook:README.md"])
    assert readme.modified > doc.modified and b"then ask" in readme.body
    assert source.fetch(entries["acme/handbook:docs/deep/vpn.rst"]).media_type == "text/plain"


def test_an_edit_changes_only_that_version_and_a_deletion_disappears(github: FakeGitHub) -> None:
    source = connector(github)
    before = source.list_documents({})
    edit = b"# Onboarding\n\nNew laptop policy.\n"
    commit = github.push("acme/handbook", {"docs/onboarding.md": edit, "docs/deep/vpn.rst": None})
    after = source.list_documents(before.cursor)
    old, new = by_key(before), by_key(after)
    assert after.cursor == {"acme/handbook": commit}
    assert set(old) - set(new) == {"acme/handbook:docs/deep/vpn.rst"}
    changed = {k for k in new if new[k] != old[k]}
    assert changed == {"acme/handbook:docs/onboarding.md"}


def test_an_unmoved_branch_is_listed_again_without_reading_the_tree(github: FakeGitHub) -> None:
    source = connector(github)
    first = source.list_documents({})
    second = source.list_documents(first.cursor)
    assert by_key(second) == by_key(first) and second.complete
    trees = [r for r in github.faults.requests if "/git/trees/" in r]
    assert len(trees) == 1


def test_private_repo_readers_name_the_repo_its_collaborators_and_teams(
        github: FakeGitHub) -> None:
    repo = github.add_repo("acme/secrets", {"ops.md": b"# Ops\n\nRotate keys monthly.\n"},
                           private=True)
    repo.collaborators = ["ana", "bo", "cy"]  # three, over two pages
    repo.teams = ["sre"]
    source = connector(github, repos=["acme/secrets"])
    doc = source.fetch(source.list_documents({}).entries[0])
    assert not doc.readers.public
    assert doc.readers.principals == ("github-repo:acme/secrets", "user:ana", "user:bo",
                                      "user:cy", "github-team:acme/sre")


def test_issues_and_discussions_are_documents_with_their_comments(github: FakeGitHub) -> None:
    repo = github.repos["acme/handbook"]
    for n in range(3):
        github.add_issue("acme/handbook", f"Question {n}", f"How do I do thing {n}?")
    github.add_issue("acme/handbook", "Bump deps", "a pull request", pull=True)
    repo.comments[2] = [{"body": "Use the portal.", "user": {"login": "helper"}}]
    repo.discussions = [{"number": n, "title": f"Idea {n}", "url": f"https://x/d/{n}",
                         "updatedAt": "2026-03-01T00:00:00Z", "body": f"Idea body {n}",
                         "author": {"login": "dev"},
                         "comments": {"nodes": [{"body": "+1", "author": {"login": "ana"}}]}}
                        for n in (1, 2, 3)]
    source = connector(github, issues=True, discussions=True)
    entries = {e.key: e for e in source.list_documents({}).entries}
    assert {k for k in entries if "#" in k} == {
        "acme/handbook#issue/1", "acme/handbook#issue/2", "acme/handbook#issue/3",
        "acme/handbook#discussion/1", "acme/handbook#discussion/2", "acme/handbook#discussion/3"}
    issue = source.fetch(entries["acme/handbook#issue/2"])
    assert b"How do I do thing 1?" in issue.body and b"Use the portal." in issue.body
    assert issue.url.endswith("/issues/2") and issue.title == "Question 1"
    talk = source.fetch(entries["acme/handbook#discussion/3"])
    assert b"Idea body 3" in talk.body and b"Comment by ana" in talk.body
    assert talk.modified == datetime(2026, 3, 1, tzinfo=UTC)


def test_base64_blob_content_round_trips_binary_pdfs(github: FakeGitHub) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4
    github.push("acme/handbook", {"specs/design.pdf": pdf})
    source = connector(github)
    entry = next(e for e in source.list_documents({}).entries if e.key.endswith(".pdf"))
    doc = source.fetch(entry)
    assert doc.body == pdf and doc.media_type == "application/pdf"
    assert base64.b64encode(doc.body)  # the bytes are the file's, not its base64 text


def test_a_tree_github_truncated_is_read_folder_by_folder(github: FakeGitHub) -> None:
    complete = by_key(connector(github).list_documents({}))
    github.tree_limit = 2
    listing = connector(github).list_documents({})
    assert listing.complete and by_key(listing) == complete
    folders = [r for r in github.faults.requests if "/git/trees/" in r and "recursive" not in r]
    assert len(folders) == 4  # the root, docs, docs/deep, src
