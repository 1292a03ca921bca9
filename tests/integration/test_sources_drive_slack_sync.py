"""Drive and Slack sources through the real sync engine, knowledge base and search: what a
colleague finds is the passage with its Drive link or Slack permalink, its date and readers.

The engine lives beside these connectors (sources/sync.py and tests/sources/helpers.py);
until both are in one tree this module is skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any  # Passage.url arrives with the engine

import pytest

pytest.importorskip("sources.sync", reason="the sync engine is not in this tree yet")
helpers = pytest.importorskip("tests.sources.helpers")

from knowledge.search import Searcher  # noqa: E402
from tests.fakes.drive_server import GOOGLE_DOC, TOKEN, FakeDrive  # noqa: E402
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack  # noqa: E402
from tests.kb.helpers import shared_minilm  # noqa: E402

RUNBOOK = "# Runbook\n\nIntro.\n\n## Restarting the queue\n\nRun queuectl restart when the " \
          "walrus queue is stuck.\n"


@pytest.fixture
def drive(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDrive]:
    monkeypatch.setenv("GDRIVE_TOKEN", TOKEN)
    with FakeDrive() as fake:
        fake.add("doc1", "Runbook", GOOGLE_DOC, "root", RUNBOOK,
                 permissions=[{"type": "user", "emailAddress": "ana@acme.example"}])
        fake.add("md1", "notes.md", "text/markdown", "root", "# Notes\n\nLighthouse keepers.\n",
                 permissions=[{"type": "anyone"}])
        yield fake


def test_a_drive_doc_is_found_by_its_heading_with_its_link_and_readers(
        drive: FakeDrive, tmp_path: Path) -> None:
    settings = helpers.settings_with(tmp_path / "data", specs={
        "kind": "gdrive", "folders": ["root"], "api_endpoint": drive.endpoint})
    first = helpers.sync(settings, "specs")
    assert (first.outcome, sorted(first.added)) == ("ok", ["doc1", "md1"])
    hit: Any = Searcher(settings, embedder=shared_minilm()).search("restart the walrus queue")[0]
    assert (hit.url, hit.heading) == ("https://docs.example.test/doc1/view",
                                      "Runbook › Restarting the queue")
    readers = {m["title"]: m["readers"] for m in helpers.indexed(settings)[0].values()}
    assert readers == {"Runbook": ["user:ana@acme.example"], "notes.md": ["public"]}
    assert helpers.sync(settings, "specs").embedded == 0
    drive.edit("md1", "# Notes\n\nTide pools.\n")
    drive.delete("doc1")
    third = helpers.sync(settings, "specs")
    assert (third.changed, third.removed) == (["md1"], ["doc1"])


def test_a_slack_thread_is_found_with_its_permalink_and_a_reply_reindexes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)

    async def scenario() -> None:
        fake = await FakeSlack().start()
        try:
            fake.add_channel("C0PUB", "general")
            question = fake.say("C0PUB", "How do I restart the walrus queue?")
            fake.say("C0PUB", "Run queuectl restart.", "U0BEN", question)
            lunch = fake.say("C0PUB", "Lunch at noon?")
            fake.say("C0PUB", "Yes, the usual place.", thread_ts=lunch)
            settings = helpers.settings_with(tmp_path / "data", answers={
                "kind": "slack", "base_url": fake.api_url})
            first = await asyncio.to_thread(helpers.sync, settings, "answers")
            assert first.outcome == "ok" and len(first.added) == 2
            searcher = Searcher(settings, embedder=shared_minilm())
            hit: Any = searcher.search("restart walrus queue")[0]
            assert hit.url == f"https://fake.slack.test/archives/C0PUB/p{question.replace('.', '')}"
            fake.say("C0PUB", "Also clear the cache first.", thread_ts=question)
            second = await asyncio.to_thread(helpers.sync, settings, "answers")
            assert (second.changed, second.unchanged) == ([f"C0PUB/{question}"], 1)
        finally:
            await fake.close()

    asyncio.run(scenario())
