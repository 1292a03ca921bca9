"""The sync engine on a folder source: what changed is exactly what is re-indexed, a shrunken
listing deletes nothing without consent, a killed sync resumes consistent, huge files are
skipped, refused credentials stop only their source, and a renamed source is not orphaned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from apps.cli.sources_view import status_lines
from knowledge.search import Searcher
from sources import kinds
from sources.prune import prune_source
from sources.runner import SourceRunner
from sources.state import SyncState
from stores import open_store
from tests.kb.helpers import CountingEmbedder, shared_minilm
from tests.sources.helpers import indexed, paths_of, settings_with, sync

REPO = Path(__file__).resolve().parents[2]
TOPICS = ["lighthouse keepers", "sourdough starters", "glacier hiking", "violin repair",
          "beekeeping in winter", "tide pools", "paper marbling", "kite flying"]


def write_notes(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    notes = []
    for n in range(count):
        note = folder / f"note-{n:02d}.md"
        topic = TOPICS[n % len(TOPICS)]
        note.write_text(f"# Note {n} on {topic}\n\nField note {n}: everything about {topic}, "
                        f"written for the team handbook (entry {n}).\n", encoding="utf-8")
        notes.append(note)
    return notes


def test_a_folder_source_indexes_changes_and_deletions_exactly(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", 4)
    settings = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                       "paths": [str(tmp_path / "notes")]})
    first = sync(settings, "notes")
    assert (first.outcome, len(first.added), first.embedded) == ("ok", 4, 4)
    assert sync(settings, "notes").embedded == 0  # nothing changed: nothing embedded

    notes[1].write_text("# Note 1\n\nThe walrus committee meets on Thursdays.\n", "utf-8")
    notes[3].unlink()
    report = sync(settings, "notes")
    assert (report.changed, report.removed, report.unchanged) == (
        [str(notes[1])], [str(notes[3])], 2)
    searcher = Searcher(settings, embedder=shared_minilm())
    hits = searcher.search("when does the walrus committee meet")
    assert hits[0].source.endswith("note-01.md") and "walrus" in hits[0].text
    chroma, lexical = indexed(settings)
    assert set(chroma) == lexical
    assert {m["source_name"] for m in chroma.values()} == {"notes"}
    assert all(m["readers"] == ["public"] for m in chroma.values())
    assert not any("note-03" in p for p in paths_of(chroma))


def test_a_listing_that_shrinks_by_half_deletes_nothing_without_consent(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", 4)
    settings = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                       "paths": [str(tmp_path / "notes")]})
    sync(settings, "notes")
    for note in notes[1:]:
        note.unlink()
    held = sync(settings, "notes")
    assert (held.outcome, held.removed) == ("partial", [])
    assert "--allow-mass-delete" in held.errors[0]
    assert len(paths_of(indexed(settings)[0])) == 4
    allowed = sync(settings, "notes", allow_mass_delete=True)
    assert len(allowed.removed) == 3
    assert len(paths_of(indexed(settings)[0])) == 1


def test_a_missing_folder_is_an_incomplete_listing_that_deletes_nothing(tmp_path: Path) -> None:
    write_notes(tmp_path / "a", 2)
    write_notes(tmp_path / "b", 2)
    paths = [str(tmp_path / "a"), str(tmp_path / "b")]
    settings = settings_with(tmp_path / "data", notes={"kind": "folder", "paths": paths})
    sync(settings, "notes")
    (tmp_path / "b").rename(tmp_path / "b-unmounted")
    report = sync(settings, "notes")
    assert report.outcome == "partial" and report.removed == []
    assert any("nothing deleted" in e for e in report.errors)
    assert len(paths_of(indexed(settings)[0])) == 4


def test_a_sync_killed_midway_resumes_consistent_without_re_embedding(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 40)
    settings = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                       "paths": [str(tmp_path / "notes")]})
    killer = CountingEmbedder(shared_minilm(), fail_after=20)  # dies in the second batch
    with pytest.raises(KeyboardInterrupt):
        sync(settings, "notes", embedder=killer)
    store = open_store(None, settings.data_dir)
    recorded = len(SyncState(store).documents("notes"))
    store.close()
    assert 0 < recorded < 40
    chroma, lexical = indexed(settings)
    assert set(chroma) == lexical  # both indexes agree even after the kill

    resumed = CountingEmbedder(shared_minilm())
    report = sync(settings, "notes", embedder=resumed)
    assert report.outcome == "ok" and len(report.added) == 40 - recorded
    assert len(resumed.embedded) == 40 - recorded  # what was written is not embedded again
    chroma, lexical = indexed(settings)
    assert set(chroma) == lexical and len(paths_of(chroma)) == 40 and len(chroma) == 40


def test_a_huge_document_is_skipped_with_the_reason(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 1)
    with (tmp_path / "notes" / "dump.txt").open("wb") as huge:
        huge.truncate(200_000_000)  # sparse: 200 MB that costs no disk
    settings = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                       "paths": [str(tmp_path / "notes")]})
    report = sync(settings, "notes")
    assert len(report.added) == 1
    [(key, reason)] = report.skipped
    assert key.endswith("dump.txt") and "200.0 MB > 20 MB" in reason


class LockedOptions(BaseModel):
    token_env: str = "GITHUB_TOKEN"


class LockedConnector:
    """A hosted service whose token has expired."""

    kind = "locked"
    Options = LockedOptions

    def __init__(self, name: str, options: Any) -> None:
        self.name = name

    def list_documents(self, cursor: dict[str, str]) -> Any:
        from sources.model import AuthFailed

        raise AuthFailed("GitHub answered 401 for repo acme/handbook: the token in "
                         "GITHUB_TOKEN has expired. Fix: create a new token")

    def fetch(self, entry: Any) -> Any:
        raise AssertionError("never fetched")


def test_refused_credentials_stop_one_source_and_the_others_sync(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(kinds.KINDS, "locked", f"{__name__}:LockedConnector")
    write_notes(tmp_path / "notes", 2)
    settings = settings_with(tmp_path / "data",
                             handbook={"kind": "locked"},
                             notes={"kind": "folder", "paths": [str(tmp_path / "notes")]})
    store = open_store(None, settings.data_dir)
    try:
        locked, notes = SourceRunner(settings, store, embedder=shared_minilm()).sync(
            settings.sources)
        lines = status_lines(settings, store)
    finally:
        store.close()
    assert locked.outcome == "failed" and "GITHUB_TOKEN has expired" in locked.errors[0]
    assert notes.outcome == "ok" and len(notes.added) == 2
    assert any("GITHUB_TOKEN has expired" in line for line in lines)


def test_a_renamed_source_is_reported_and_pruned_not_orphaned(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 3)
    table = {"kind": "folder", "paths": [str(tmp_path / "notes")]}
    old = settings_with(tmp_path / "data", docs=table)
    sync(old, "docs")
    renamed = settings_with(tmp_path / "data", handbook=table)
    store = open_store(None, renamed.data_dir)
    try:
        lines = status_lines(renamed, store)
        assert any("docs: not configured, but 3" in ln and "bot sources prune docs" in ln
                   for ln in lines)
        assert prune_source(renamed, store, "docs") == 3
        assert SyncState(store).names() == {}
    finally:
        store.close()
    chroma, lexical = indexed(renamed)
    assert chroma == {} and lexical == set()


def test_one_process_syncs_a_source_at_a_time(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 2)
    settings = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                       "paths": [str(tmp_path / "notes")]})
    url = f"sqlite:///{settings.data_dir / 'bot.sqlite3'}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.source_lease_holder", url, str(settings.data_dir),
         "notes", "1.0"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        busy = sync(settings, "notes")
        assert busy.outcome == "busy" and busy.added == []
    finally:
        holder.kill()
        holder.wait()
    assert paths_of(indexed(settings)[0]) == set()
    report = sync_when_free(settings)
    assert report.outcome == "ok" and len(report.added) == 2


def sync_when_free(settings: Any, attempts: int = 600) -> Any:
    """Sync once the killed holder's lease has run out (a condition, not a fixed sleep)."""
    import time

    for _ in range(attempts):
        report = sync(settings, "notes")
        if report.outcome != "busy":
            return report
        time.sleep(0.1)
    raise AssertionError("the lease of a killed holder never ran out")


def test_a_collection_emptied_since_the_last_sync_is_filled_again(tmp_path: Path) -> None:
    from knowledge.store import KnowledgeStore

    write_notes(tmp_path / "notes", 3)
    settings = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                       "paths": [str(tmp_path / "notes")]})
    sync(settings, "notes")
    store = KnowledgeStore.open(settings, shared_minilm().name, write=True)
    store.delete(sorted(store.all_ids()))  # e.g. rebuilt for a new embedder
    store.close()
    report = sync(settings, "notes")
    assert len(report.changed) == 3 and len(paths_of(indexed(settings)[0])) == 3
