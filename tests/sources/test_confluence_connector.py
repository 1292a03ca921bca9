"""The Confluence connector through atlassian-python-api against a loopback Confluence
(tests/fakes/confluence_server), in both its Cloud and its Data Center flavour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sources.confluence import ConfluenceConnector
from sources.model import Listing
from tests.fakes.confluence_server import API_TOKEN, PAT, USER, FakeConfluence


@pytest.fixture(params=["cloud", "datacenter"])
def confluence(request: pytest.FixtureRequest,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeConfluence]:
    cloud = request.param == "cloud"
    monkeypatch.setenv("CONFLUENCE_USER", USER)
    monkeypatch.setenv("CONFLUENCE_TOKEN", API_TOKEN if cloud else PAT)
    with FakeConfluence(cloud=cloud, page_size=2) as fake:
        root = fake.add_page("ENG", "Handbook", "<p>Welcome to engineering.</p>")
        onboarding = fake.add_page("ENG", "Onboarding", "<p>Laptops come from IT.</p>", root.id)
        fake.add_page("ENG", "First week", "<h2>Day one</h2><p>Meet your buddy.</p>",
                      onboarding.id)
        fake.add_page("ENG", "Release process", "<p>Tag, then deploy.</p>", root.id)
        fake.add_page("OPS", "Other space", "<p>Not configured.</p>")
        fake.spaces["ENG"].groups = ["engineering"]
        fake.attach(onboarding.id, "laptop-policy.pdf", b"%PDF-1.4 laptop policy")
        fake.attach(onboarding.id, "photo.png", b"\x89PNG", media="image/png")
        yield fake


def connector(fake: FakeConfluence, **options: object) -> ConfluenceConnector:
    settings = {"base_url": fake.base_url, "spaces": ["ENG"], "timeout_s": 5.0,
                "page_size": 2, "deployment": "cloud" if fake.cloud else "datacenter"} | options
    return ConfluenceConnector("wiki", ConfluenceConnector.Options(**settings))


def titles(listing: Listing) -> dict[str, str]:
    return {e.title: e.version for e in listing.entries}


def test_lists_pages_under_their_heading_path_and_only_pdf_attachments(
        confluence: FakeConfluence) -> None:
    listing = connector(confluence).list_documents({})
    assert listing.complete
    assert titles(listing) == {
        "Handbook": "1", "Handbook / Onboarding": "1", "Handbook / Onboarding / First week": "1",
        "Handbook / Release process": "1", "Onboarding / laptop-policy.pdf": "1"}
    first_week = next(e for e in listing.entries if e.title.endswith("First week"))
    webui = ("/spaces/ENG/pages/1003/First%20week" if confluence.cloud
             else "/display/ENG/First%20week")
    assert first_week.url == confluence.base_url + webui
    assert first_week.modified == datetime(2026, 1, 1, 9, tzinfo=UTC)


def test_a_page_is_fetched_as_html_with_its_heading_path_and_space_readers(
        confluence: FakeConfluence) -> None:
    source = connector(confluence)
    entry = next(e for e in source.list_documents({}).entries if e.title.endswith("First week"))
    doc = source.fetch(entry)
    assert doc.media_type == "text/html"
    assert doc.body.startswith(b"<html><head><title>Handbook / Onboarding / First week</title>")
    assert b"<h1>Handbook / Onboarding / First week</h1><h2>Day one</h2>" in doc.body
    assert doc.url == entry.url and doc.modified == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert not doc.readers.public
    expected = ("confluence-space:ENG", "confluence-group:engineering") if confluence.cloud \
        else ("confluence-space:ENG",)  # Data Center's REST API does not show space permissions
    assert doc.readers.principals == expected


def test_read_restrictions_on_an_ancestor_narrow_the_readers(confluence: FakeConfluence) -> None:
    onboarding = next(p for p in confluence.pages.values() if p.title == "Onboarding")
    onboarding.groups = ["hr", "managers"]
    first_week = next(p for p in confluence.pages.values() if p.title == "First week")
    first_week.groups = ["managers"]
    source = connector(confluence)
    entries = {e.title: e for e in source.list_documents({}).entries}
    doc = source.fetch(entries["Handbook / Onboarding / First week"])
    assert doc.readers.principals == ("confluence-group:managers",)
    assert "read-restricted by First week, Onboarding" in doc.readers.why
    open_page = source.fetch(entries["Handbook / Release process"])
    assert "confluence-space:ENG" in open_page.readers.principals


def test_an_edit_changes_only_that_version_and_a_deletion_disappears(
        confluence: FakeConfluence) -> None:
    source = connector(confluence)
    before = titles(source.list_documents({}))
    release = next(p for p in confluence.pages.values() if p.title == "Release process")
    confluence.edit(release.id, "<p>Tag, test, then deploy.</p>")
    gone = next(p for p in confluence.pages.values() if p.title == "First week")
    del confluence.pages[gone.id]
    after = titles(source.list_documents({}))
    assert set(before) - set(after) == {"Handbook / Onboarding / First week"}
    assert {t for t in after if after[t] != before[t]} == {"Handbook / Release process"}
    doc = source.fetch(next(e for e in source.list_documents({}).entries
                            if e.title.endswith("Release process")))
    assert b"Tag, test, then deploy." in doc.body and doc.entry.version == "2"


def test_a_pdf_attachment_is_fetched_with_its_pages_readers(confluence: FakeConfluence) -> None:
    source = connector(confluence)
    entry = next(e for e in source.list_documents({}).entries if e.key.startswith("attachment:"))
    doc = source.fetch(entry)
    assert doc.body == b"%PDF-1.4 laptop policy" and doc.media_type == "application/pdf"
    assert doc.url.startswith(confluence.base_url + "/download/attachments/")
    assert "confluence-space:ENG" in doc.readers.principals
