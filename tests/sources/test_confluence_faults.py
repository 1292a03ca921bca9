"""What the Confluence connector does when Confluence fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from sources.confluence import ConfluenceConnector
from sources.model import AuthFailed, Malformed, RateLimited, Skipped, Unavailable
from tests.fakes.confluence_server import API_TOKEN, PAT, USER, FakeConfluence


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeConfluence]:
    monkeypatch.setenv("CONFLUENCE_USER", USER)
    monkeypatch.setenv("CONFLUENCE_TOKEN", API_TOKEN)
    with FakeConfluence(cloud=True, page_size=2) as fake:
        for n in range(5):
            fake.add_page("ENG", f"Page {n}", f"<p>Body {n}</p>")
        fake.attach("1001", "big.pdf", b"%PDF" + b"x" * 4000)
        yield fake


def connector(fake: FakeConfluence, **options: object) -> ConfluenceConnector:
    settings = {"base_url": fake.base_url, "spaces": ["ENG"], "timeout_s": 1.0,
                "page_size": 2, "deployment": "cloud" if fake.cloud else "datacenter"} | options
    return ConfluenceConnector("wiki", ConfluenceConnector.Options(**settings))


def test_a_refused_api_token_names_both_variables_and_the_fix(
        cloud: FakeConfluence, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", "revoked")
    with pytest.raises(AuthFailed) as failure:
        connector(cloud).list_documents({})
    assert str(failure.value) == (
        "Confluence answered 401 for space ENG: the API token in CONFLUENCE_TOKEN (for the "
        "user in CONFLUENCE_USER) was refused or cannot read it; set a new one")


def test_a_refused_data_center_token_names_the_personal_access_token(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", "not-" + PAT)
    with FakeConfluence(cloud=False) as fake:
        fake.add_page("ENG", "Home", "<p>x</p>")
        with pytest.raises(AuthFailed, match="personal access token in CONFLUENCE_TOKEN"):
            connector(fake).list_documents({})


def test_a_cloud_source_without_a_user_says_which_variable_to_set(
        cloud: FakeConfluence, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFLUENCE_USER")
    with pytest.raises(AuthFailed, match=r"^CONFLUENCE_USER is not set \(user_env"):
        connector(cloud).list_documents({})


def test_429_with_retry_after_is_rate_limited(cloud: FakeConfluence) -> None:
    cloud.faults.fail(r"/rest/api/content\?", 429, {"statusCode": 429, "message": "Rate limited"},
                      {"Retry-After": "17"})
    with pytest.raises(RateLimited) as limited:
        connector(cloud).list_documents({})
    assert limited.value.retry_after == 17


def test_a_5xx_on_the_second_page_makes_the_listing_incomplete(cloud: FakeConfluence) -> None:
    cloud.faults.fail(r"/rest/api/content\?.*cursor=", 503, "<html>Service Unavailable</html>")
    listing = connector(cloud).list_documents({})
    assert not listing.complete
    assert "Confluence answered 503 for the pages of space ENG" in listing.problems[0]


def test_a_page_without_a_body_is_malformed(cloud: FakeConfluence) -> None:
    source = connector(cloud)
    entry = next(e for e in source.list_documents({}).entries if e.title == "Page 0")
    cloud.faults.fail(r"/rest/api/content/1001\?", 200, {
        "id": "1001", "title": "Page 0", "version": {"number": 1}, "_links": {"webui": "/x"}})
    with pytest.raises(Malformed, match="Confluence page 1001 came without its body"):
        source.fetch(entry)


def test_a_timeout_is_unavailable(cloud: FakeConfluence) -> None:
    source = connector(cloud)
    entry = source.list_documents({}).entries[0]
    cloud.faults.hang(r"/rest/api/content/1001\?")
    with pytest.raises(Unavailable, match="Confluence did not answer in time"):
        source.fetch(entry)


def test_a_pdf_over_max_bytes_is_skipped_without_downloading(cloud: FakeConfluence) -> None:
    source = connector(cloud, max_bytes=1000)
    entry = next(e for e in source.list_documents({}).entries if e.key.startswith("attachment"))
    with pytest.raises(Skipped, match=r"is 4,004 bytes, over max_bytes = 1,000"):
        source.fetch(entry)
    assert not [r for r in cloud.faults.requests if "/download/" in r]


def test_a_base_url_that_is_not_a_url_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"base_url: 'acme\.atlassian\.net' is not an"):
        ConfluenceConnector.Options(base_url="acme.atlassian.net", spaces=["ENG"])
