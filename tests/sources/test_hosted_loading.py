"""What the hosted connectors fetch is what the knowledge base's loaders read: sections under
the headings the author wrote (the page tree for Confluence, Notion's heading blocks)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.loaders import load_file
from sources.confluence import ConfluenceConnector
from sources.indexer import loader_path
from sources.model import Entry, Readers, SourceDocument
from sources.notion import NotionConnector
from tests.fakes.confluence_server import API_TOKEN, USER, FakeConfluence
from tests.fakes.notion_server import TOKEN, FakeNotion, block

SUFFIX = {"text/html": ".html", "text/markdown": ".md", "text/plain": ".txt",
          "application/pdf": ".pdf"}


def sections(doc: SourceDocument) -> list[tuple[list[str], str]]:
    loaded = load_file(Path("doc" + SUFFIX[doc.media_type]), doc.body)
    return [(s.headings, s.text.strip()) for s in loaded.sections if s.text.strip()]


def test_a_confluence_page_loads_under_its_place_in_the_page_tree(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENCE_USER", USER)
    monkeypatch.setenv("CONFLUENCE_TOKEN", API_TOKEN)
    with FakeConfluence(cloud=True) as fake:
        root = fake.add_page("ENG", "Handbook", "<p>Intro.</p>")
        fake.add_page("ENG", "VPN", "<h2>Linux</h2><p>Use WireGuard.</p>", root.id)
        source = ConfluenceConnector("wiki", ConfluenceConnector.Options(
            base_url=fake.base_url, spaces=["ENG"], deployment="cloud"))
        entry = next(e for e in source.list_documents({}).entries if e.title.endswith("VPN"))
        got = sections(source.fetch(entry))
    assert (["Handbook / VPN", "Linux"], "Use WireGuard.") in got


def test_a_notion_page_loads_under_its_heading_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    with FakeNotion() as fake:
        fake.add_page("Onboarding", [block("heading_2", "Laptops"),
                                     block("paragraph", "IT hands them out on day one.")])
        source = NotionConnector("notion", NotionConnector.Options(base_url=fake.base_url))
        got = sections(source.fetch(source.list_documents({}).entries[0]))
    assert (["Onboarding", "Laptops"], "IT hands them out on day one.") in got


ADOC = b"""= Operations guide

Intro.

== Restarting the queue

Run queuectl restart.

----
== not a title, a line of a listing
----
"""


@pytest.mark.parametrize(("key", "headings"), [
    ("docs/ops.adoc", ["Operations guide", "Restarting the queue"]),
    ("docs/ops.rst", None),
])
def test_a_text_plain_file_is_read_by_the_loader_its_extension_names(
        key: str, headings: list[str] | None) -> None:
    # GitHub serves raw files as text/plain: the key's extension must pick the loader
    body = ADOC if key.endswith(".adoc") else b"Ops\n===\n\nRestart\n-------\n\nRun it.\n"
    doc = SourceDocument(Entry(key, "v1"), "ops", "https://x.test/ops", datetime.now(UTC),
                         Readers(public=True), body, "text/plain")
    loaded = load_file(loader_path(doc), doc.body)
    found = [s.headings for s in loaded.sections if s.text.strip()]
    assert (headings or ["Ops", "Restart"]) in found
    assert all("not a title" not in " ".join(h) for h in found)
