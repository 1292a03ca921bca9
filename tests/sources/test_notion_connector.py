"""The Notion connector through notion-client against a loopback Notion
(tests/fakes/notion_server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sources.model import AuthFailed, Malformed, RateLimited, Skipped, Unavailable
from sources.notion import NotionConnector
from tests.fakes.notion_server import TOKEN, WORKSPACE_ID, FakeNotion, block, text


@pytest.fixture
def notion(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotion]:
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    with FakeNotion(page_size=2) as fake:
        fake.add_page("Onboarding", [
            block("heading_1", "First day"),
            block("paragraph", "Collect your badge."),
            block("bulleted_list_item", "Laptop", [block("bulleted_list_item", "Charger")]),
            block("to_do", "Sign the NDA", checked=True),
            block("toggle", "Details", [block("paragraph", "Hidden in a toggle.")]),
            block("code", "make chat", language="shell"),
            block("child_page", title="Sub page"),
        ])
        fake.add_page("Vacation policy", [block("paragraph", "25 days a year.")])
        fake.add_page("Runbook: restart", [block("paragraph", "Restart the pod.")],
                      database="db-1", Status={"type": "status", "status": {"name": "Live"}},
                      Owner={"type": "rich_text", "rich_text": text("ops team")})
        yield fake


def connector(fake: FakeNotion, **options: object) -> NotionConnector:
    settings = {"base_url": fake.base_url, "page_size": 2, "timeout_s": 5.0} | options
    return NotionConnector("notion", NotionConnector.Options(**settings))


def test_lists_every_shared_page_across_search_pages(notion: FakeNotion) -> None:
    listing = connector(notion).list_documents({})
    assert listing.complete
    pages = {p.title: p for p in notion.pages.values()}
    assert {e.title: (e.key, e.version, e.url) for e in listing.entries} == {
        t: (f"page:{p.id}", p.edited, notion.url(p)) for t, p in pages.items()}
    searches = [r for r in notion.faults.requests if r.startswith("POST /v1/search")]
    assert len(searches) == 2  # three pages, two a page


def test_a_page_is_markdown_with_headings_lists_and_nested_blocks(notion: FakeNotion) -> None:
    source = connector(notion)
    entry = next(e for e in source.list_documents({}).entries if e.title == "Onboarding")
    doc = source.fetch(entry)
    assert doc.media_type == "text/markdown" and doc.url == entry.url
    assert doc.body.decode() == (
        "# Onboarding\n\n# First day\n\nCollect your badge.\n\n- Laptop\n\n  - Charger\n\n"
        "- [x] Sign the NDA\n\nDetails\n\nHidden in a toggle.\n\n```shell\nmake chat\n```\n\n"
        "## Sub page\n")
    assert doc.modified == datetime(2026, 1, 1, 10, 1, tzinfo=UTC)


def test_readers_name_the_workspace_and_say_sharing_is_unknown(notion: FakeNotion) -> None:
    source = connector(notion)
    doc = source.fetch(source.list_documents({}).entries[0])
    assert doc.readers.principals == (f"notion-workspace:{WORKSPACE_ID}",)
    assert not doc.readers.public and "does not say whom a page is shared with" in doc.readers.why


def test_a_database_row_carries_its_properties_or_is_left_out(notion: FakeNotion) -> None:
    source = connector(notion)
    row = next(e for e in source.list_documents({}).entries if e.title.startswith("Runbook"))
    assert "**Status**: Live\n**Owner**: ops team" in source.fetch(row).body.decode()
    titles = {e.title for e in connector(notion, databases=False).list_documents({}).entries}
    assert titles == {"Onboarding", "Vacation policy"}


def test_an_edit_changes_only_that_version_and_a_deletion_disappears(notion: FakeNotion) -> None:
    source = connector(notion)
    before = {e.key: e.version for e in source.list_documents({}).entries}
    vacation = next(p for p in notion.pages.values() if p.title == "Vacation policy")
    notion.edit(vacation.id, [block("paragraph", "30 days a year.")])
    runbook = next(p for p in notion.pages.values() if p.title.startswith("Runbook"))
    runbook.in_trash = True
    listing = source.list_documents({})
    after = {e.key: e.version for e in listing.entries}
    assert set(before) - set(after) == {f"page:{runbook.id}"}
    assert {k for k in after if after[k] != before[k]} == {f"page:{vacation.id}"}
    doc = source.fetch(next(e for e in listing.entries if e.key == f"page:{vacation.id}"))
    assert b"30 days a year." in doc.body


def test_a_refused_token_names_the_variable_and_the_fix(
        notion: FakeNotion, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_TOKEN", "ntn_revoked")
    with pytest.raises(AuthFailed) as failure:
        connector(notion).list_documents({})
    assert str(failure.value) == (
        "Notion answered 401 for the pages shared with the integration: the integration token "
        "in NOTION_TOKEN is invalid or revoked; set a new one")


def test_rate_limited_with_retry_after(notion: FakeNotion) -> None:
    notion.faults.fail(r"POST /v1/search", 429, {"object": "error", "status": 429,
                                                 "code": "rate_limited", "message": "Slow down"},
                       {"Retry-After": "3"})
    with pytest.raises(RateLimited) as limited:
        connector(notion).list_documents({})
    assert limited.value.retry_after == 3
    assert len(notion.faults.requests) == 1  # the SDK's own retries are off


def test_a_5xx_on_the_second_search_page_makes_the_listing_incomplete(notion: FakeNotion) -> None:
    notion.faults.fail(r"POST /v1/search", 502, {"object": "error", "status": 502,
                                                 "code": "bad_gateway", "message": "Bad gateway"},
                       after=1)
    listing = connector(notion).list_documents({"last_edited_time": "before"})
    assert not listing.complete and len(listing.entries) == 2
    assert listing.cursor == {"last_edited_time": "before"}
    assert "Notion answered 502 for the pages shared with the integration" in listing.problems[0]


def test_a_listed_page_without_its_fields_makes_the_listing_incomplete(notion: FakeNotion) -> None:
    page = next(iter(notion.pages.values()))
    page.edited = None  # type: ignore[assignment]
    listing = connector(notion).list_documents({})
    assert not listing.complete and len(listing.entries) == 2
    assert "without id, url or last_edited_time" in listing.problems[0]


def test_a_timeout_is_unavailable(notion: FakeNotion) -> None:
    source = connector(notion, timeout_s=1.0)
    entry = source.list_documents({}).entries[0]
    notion.faults.hang(r"/children")
    with pytest.raises(Unavailable, match="Notion did not answer in time"):
        source.fetch(entry)


def test_a_malformed_block_list_is_malformed(notion: FakeNotion) -> None:
    source = connector(notion)
    entry = source.list_documents({}).entries[0]
    notion.faults.fail(r"/children", 200, {"object": "list"})
    with pytest.raises(Malformed, match="Notion answered the blocks of page"):
        source.fetch(entry)


def test_a_page_over_max_bytes_is_skipped(notion: FakeNotion) -> None:
    notion.add_page("Huge", [block("paragraph", "x" * 2000) for _ in range(3)])
    source = connector(notion, max_bytes=3000)
    entry = next(e for e in source.list_documents({}).entries if e.title == "Huge")
    with pytest.raises(Skipped, match=r"Notion page 'Huge' is 4,000 bytes, over max_bytes"):
        source.fetch(entry)


def test_an_edit_in_the_minute_of_a_fetch_is_fetched_again_once_the_minute_is_over(
        notion: FakeNotion) -> None:
    """Notion rounds last_edited_time down to the minute, so a second edit in the same minute
    keeps the time: the version stays provisional until that minute is safely over."""
    from datetime import timedelta

    page = next(p for p in notion.pages.values() if p.title == "Vacation policy")
    page.edited = "2026-12-07T04:40:00.000Z"
    minute = datetime(2026, 12, 7, 4, 40, tzinfo=UTC)
    source = connector(notion)
    source.clock = lambda: minute + timedelta(seconds=20)
    early = next(e for e in source.list_documents({}).entries if e.title == "Vacation policy")
    fetched = source.fetch(early)
    assert fetched.entry.version.startswith("2026-12-07T04:40:00.000Z~")
    page.blocks = [block("paragraph", "Edited again in the same minute.")]  # same edited time
    source.clock = lambda: minute + timedelta(minutes=5)
    late = next(e for e in source.list_documents({}).entries if e.title == "Vacation policy")
    assert late.version == "2026-12-07T04:40:00.000Z" != fetched.entry.version
    assert b"Edited again in the same minute." in source.fetch(late).body


def test_a_failed_request_prints_nothing_to_the_terminal(
        notion: FakeNotion, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NOTION_TOKEN", "ntn_revoked")
    with pytest.raises(AuthFailed):
        connector(notion).list_documents({})
    out, err = capfd.readouterr()
    assert "request fail" not in out + err
