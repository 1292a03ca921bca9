"""What the GitHub connector does when GitHub fails: the error an operator reads, and
listings that never claim to be complete when they are not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sources.github import GitHubConnector
from sources.model import AuthFailed, Malformed, RateLimited, Skipped, Unavailable
from tests.fakes.github_server import TOKEN, FakeGitHub

FILES = {"a.md": b"# A\n", "b.md": b"# B\n", "big.md": b"# Big\n" + b"x" * 5000}


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with FakeGitHub(page_size=2) as fake:
        fake.add_repo("acme/handbook", FILES)
        yield fake


def connector(fake: FakeGitHub, **options: object) -> GitHubConnector:
    settings = {"repos": ["acme/handbook"], "base_url": fake.api_url, "timeout_s": 1.0} | options
    return GitHubConnector("handbook", GitHubConnector.Options(**settings))


def test_a_wrong_token_names_the_variable_the_repo_and_the_fix(
        github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_expired")
    with pytest.raises(AuthFailed) as failure:
        connector(github).list_documents({})
    message = str(failure.value)
    assert message.startswith("GitHub answered 401 for repo acme/handbook: the token in "
                              "GITHUB_TOKEN has expired")
    assert "set a new one" in message and "ghp_expired" not in message and "\n" not in message


def test_an_unset_token_variable_is_named_before_any_request(
        github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    with pytest.raises(AuthFailed, match=r"^GITHUB_TOKEN is not set \(token_env"):
        connector(github).list_documents({})
    assert github.faults.requests == []


def test_429_with_retry_after_is_rate_limited_for_that_long(github: FakeGitHub) -> None:
    github.faults.fail(r"GET /api/v3/repos/acme/handbook\?", 429,
                       {"message": "Too many requests"}, {"Retry-After": "30"})
    with pytest.raises(RateLimited) as limited:
        connector(github).list_documents({})
    assert limited.value.retry_after == 30
    assert len(github.faults.requests) == 1  # no retry: the engine decides when to come back


def test_secondary_rate_limit_403_with_retry_after_is_rate_limited(github: FakeGitHub) -> None:
    github.faults.fail(r"/git/trees/", 403, {
        "message": "You have exceeded a secondary rate limit. Please wait a few minutes.",
        "documentation_url": "https://docs.github.com/rest/overview/rate-limits"},
        {"Retry-After": "60", "x-ratelimit-remaining": "4000"})
    with pytest.raises(RateLimited) as limited:
        connector(github).list_documents({})
    assert limited.value.retry_after == 60


def test_primary_quota_spent_waits_until_the_reset_time(github: FakeGitHub) -> None:
    import time

    reset = int(time.time()) + 3600
    github.faults.fail(r"/branches/", 403, {"message": "API rate limit exceeded for user."},
                       {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset),
                        "x-ratelimit-limit": "5000"})
    with pytest.raises(RateLimited) as limited:
        connector(github).list_documents({})
    assert limited.value.retry_after is not None and 3000 < limited.value.retry_after <= 3600


def test_a_5xx_during_the_listing_makes_it_incomplete_and_keeps_the_old_cursor(
        github: FakeGitHub) -> None:
    github.faults.fail(r"/git/trees/", 502, "<html>Bad gateway</html>")
    listing = connector(github).list_documents({"acme/handbook": "abc123"})
    assert not listing.complete and listing.entries == []
    assert listing.cursor == {"acme/handbook": "abc123"}
    assert "GitHub answered 502 for the file tree of repo acme/handbook" in listing.problems[0]


def test_a_listing_that_fails_on_page_two_is_incomplete(github: FakeGitHub) -> None:
    for n in range(5):
        github.add_issue("acme/handbook", f"Issue {n}", "body")
    github.faults.fail(r"/issues\?.*page=2", 500, {"message": "Server Error"})
    listing = connector(github, issues=True).list_documents({})
    assert not listing.complete
    assert "500" in listing.problems[0] and "issues of repo acme/handbook" in listing.problems[0]


def test_one_missing_repo_leaves_the_other_listed_but_incomplete(github: FakeGitHub) -> None:
    listing = connector(github, repos=["acme/handbook", "acme/gone"]).list_documents({})
    assert not listing.complete
    assert {e.key for e in listing.entries} == {f"acme/handbook:{p}" for p in FILES}
    assert "GitHub answered 404 for repo acme/gone" in listing.problems[0]


def test_a_timeout_is_unavailable(github: FakeGitHub) -> None:
    source = connector(github)
    entry = next(e for e in source.list_documents({}).entries if e.key.endswith("a.md"))
    github.faults.hang(r"/git/blobs/")
    with pytest.raises(Unavailable, match=r"GitHub did not answer in time for a\.md"):
        source.fetch(entry)


def test_a_malformed_blob_is_malformed_for_that_document(github: FakeGitHub) -> None:
    source = connector(github)
    entry = next(e for e in source.list_documents({}).entries if e.key.endswith("a.md"))
    github.faults.fail(r"/git/blobs/", 200, {"sha": entry.version, "size": 4})
    with pytest.raises(Malformed, match=r"a\.md in repo acme/handbook"):
        source.fetch(entry)


def test_a_file_over_max_bytes_is_skipped_without_downloading_it(github: FakeGitHub) -> None:
    source = connector(github, max_bytes=1000)
    entry = next(e for e in source.list_documents({}).entries if e.key.endswith("big.md"))
    with pytest.raises(Skipped, match=r"big\.md in repo acme/handbook is 5,006 bytes, over max_"):
        source.fetch(entry)
    assert not [r for r in github.faults.requests if "/git/blobs/" in r]


def test_a_repo_that_is_not_owner_slash_name_is_refused_naming_the_field() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"repos: 'handbook' is not a repository"):
        GitHubConnector.Options(repos=["handbook"])


def test_a_base_url_that_is_not_a_url_is_refused_naming_the_field() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"base_url: 'github\.acme\.com' is not an http"):
        GitHubConnector.Options(repos=["acme/handbook"], base_url="github.acme.com")
