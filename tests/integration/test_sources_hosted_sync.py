"""GitHub, Confluence and Notion sources through the real sync engine, knowledge base and
search, each against its loopback fake: a colleague finds the passage with its link and
date; an edit re-embeds only that document, a deletion removes it from both indexes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.search import Searcher
from tests.fakes.confluence_server import API_TOKEN, USER, FakeConfluence
from tests.fakes.github_server import TOKEN as GITHUB_TOKEN
from tests.fakes.github_server import FakeGitHub
from tests.fakes.notion_server import TOKEN as NOTION_TOKEN
from tests.fakes.notion_server import FakeNotion, block
from tests.kb.helpers import shared_minilm
from tests.sources import helpers


def top_hit(settings: Any, query: str) -> Any:
    return Searcher(settings, embedder=shared_minilm()).search(query)[0]


def ids_of(settings: Any, key_part: str) -> tuple[set[str], set[str]]:
    """The chunk ids in Chroma and in the lexical index whose path names ``key_part``."""
    chroma, lexical = helpers.indexed(settings)
    ids = {i for i, m in chroma.items() if key_part in str(m.get("path"))}
    return ids, ids & lexical


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    with FakeGitHub(page_size=2) as fake:
        fake.add_repo("acme/runbooks", {
            "queue.md": b"# Queue\n\n## Restarting\n\nRun queuectl restart when the walrus "
                        b"queue is stuck.\n",
            "vpn.adoc": b"= VPN\n\n== Linux\n\nUse WireGuard with the lighthouse profile.\n",
            "oncall.md": b"# On call\n\nPage the duty engineer.\n"})
        yield fake


def test_a_github_repo_syncs_with_blob_links_and_a_push_changes_exactly_what_it_touched(
        github: FakeGitHub, tmp_path: Path) -> None:
    settings = helpers.settings_with(tmp_path / "data", runbooks={
        "kind": "github", "repos": ["acme/runbooks"], "base_url": github.api_url,
        "paths": ["**/*.md", "**/*.adoc"]})
    first = helpers.sync(settings, "runbooks")
    assert (first.outcome, len(first.added)) == ("ok", 3)
    head = github.repos["acme/runbooks"].commits[-1].sha
    hit = top_hit(settings, "restart the walrus queue")
    assert hit.url == f"{github.html('acme/runbooks')}/blob/{head}/queue.md#L1"
    assert hit.modified.startswith("2026-01-") and hit.heading == "Queue › Restarting"
    assert top_hit(settings, "WireGuard lighthouse").heading == "VPN › Linux"
    assert helpers.sync(settings, "runbooks").embedded == 0
    github.push("acme/runbooks", {"oncall.md": b"# On call\n\nPage the kraken keeper.\n",
                                  "vpn.adoc": None})
    third = helpers.sync(settings, "runbooks")
    assert (third.changed, third.removed, third.unchanged) == (
        ["acme/runbooks:oncall.md"], ["acme/runbooks:vpn.adoc"], 1)
    assert ids_of(settings, "vpn.adoc") == (set(), set())
    assert "kraken" in top_hit(settings, "who to page on call").text


@pytest.fixture
def confluence(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeConfluence]:
    monkeypatch.setenv("CONFLUENCE_USER", USER)
    monkeypatch.setenv("CONFLUENCE_TOKEN", API_TOKEN)
    with FakeConfluence(cloud=True, page_size=2) as fake:
        yield fake


def test_a_confluence_space_syncs_with_page_links_and_edits_and_deletions_show(
        confluence: FakeConfluence, tmp_path: Path) -> None:
    root = confluence.add_page("ENG", "Handbook", "<p>Welcome to engineering.</p>")
    vpn = confluence.add_page("ENG", "VPN", "<h2>Linux</h2><p>Use WireGuard.</p>", root.id)
    old = confluence.add_page("ENG", "Fax machine", "<p>Dial nine for the fax.</p>", root.id)
    settings = helpers.settings_with(tmp_path / "data", wiki={
        "kind": "confluence", "base_url": confluence.base_url, "spaces": ["ENG"],
        "deployment": "cloud"})
    first = helpers.sync(settings, "wiki")
    assert (first.outcome, len(first.added)) == ("ok", 3)
    hit = top_hit(settings, "WireGuard on Linux")
    assert vpn.id in hit.url and hit.url.startswith(confluence.base_url)
    assert hit.modified and hit.heading.endswith("Linux")
    confluence.edit(vpn.id, "<h2>Linux</h2><p>Use the walrus tunnel instead.</p>")
    del confluence.pages[old.id]
    second = helpers.sync(settings, "wiki")
    assert (len(second.changed), len(second.removed), second.unchanged) == (1, 1, 1)
    assert "walrus tunnel" in top_hit(settings, "VPN on Linux").text
    assert ids_of(settings, old.id) == (set(), set())


@pytest.fixture
def notion(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotion]:
    monkeypatch.setenv("NOTION_TOKEN", NOTION_TOKEN)
    with FakeNotion(page_size=2) as fake:
        yield fake


def test_a_notion_workspace_syncs_with_page_links_and_edits_and_deletions_show(
        notion: FakeNotion, tmp_path: Path) -> None:
    laptops = notion.add_page("Onboarding", [block("heading_2", "Laptops"),
                                             block("paragraph", "IT hands them out on day one.")])
    notion.add_page("Vacation policy", [block("paragraph", "25 days a year.")])
    gone = notion.add_page("Fax etiquette", [block("paragraph", "Dial nine for the fax.")])
    settings = helpers.settings_with(tmp_path / "data", handbook={
        "kind": "notion", "base_url": notion.base_url})
    first = helpers.sync(settings, "handbook")
    assert (first.outcome, len(first.added)) == ("ok", 3)
    hit = top_hit(settings, "when do I get a laptop")
    assert (hit.url, hit.heading) == (notion.url(laptops), "Onboarding › Laptops")
    assert hit.modified
    notion.edit(laptops.id, [block("heading_2", "Laptops"),
                             block("paragraph", "Laptops are posted to your home.")])
    del notion.pages[gone.id]
    second = helpers.sync(settings, "handbook")
    assert (second.changed, second.removed, second.unchanged) == (
        [f"page:{laptops.id}"], [f"page:{gone.id}"], 1)
    assert "posted to your home" in top_hit(settings, "when do I get a laptop").text
    assert ids_of(settings, gone.id) == (set(), set())


def test_bot_sources_sync_then_bot_kb_search_shows_the_github_link_and_date(
        github: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from apps.cli.main import main

    config = tmp_path / "bot.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\ntools = ["search_knowledge"]\n'
        '[access]\nenabled = false\n'  # a hosted source needs the choice made
        f'[sources.runbooks]\nkind = "github"\nrepos = ["acme/runbooks"]\n'
        f'base_url = "{github.api_url}"\n', "utf-8")
    args = ["--config", str(config)]
    assert main([*args, "sources", "sync", "runbooks", "--no-progress"]) == 0
    assert "runbooks: ok, 3 added, 0 changed, 0 removed" in capsys.readouterr().out
    assert main([*args, "kb", "search", "restart", "the", "walrus", "queue"]) == 0
    head = github.repos["acme/runbooks"].commits[-1].sha
    shown = capsys.readouterr().out
    assert f"{github.html('acme/runbooks')}/blob/{head}/queue.md#L1" in shown
    assert "2026-01-" in shown
    github.push("acme/runbooks", {"queue.md": None})
    assert main([*args, "sources", "sync", "runbooks", "--no-progress"]) == 0
    assert "runbooks: ok, 0 added, 0 changed, 1 removed" in capsys.readouterr().out
