"""A large first sync embeds on Ray Data when a cluster is configured, and indexes exactly what
the local path does: the same passages with the same links, dates and readers, the same
search results; a sync killed after writing resumes without embedding again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from knowledge.search import Searcher
from sources.report import SyncReport
from sources.runner import SourceRunner
from sources.state import SyncState
from stores import open_store
from tests.fakes.github_server import TOKEN, FakeGitHub
from tests.kb.corpus import PARAPHRASES, SECURITY_PDF_LINES, pdf_bytes, write_corpus
from tests.kb.helpers import shared_minilm
from tests.kb.local_ray import local_ray_fixture  # noqa: F401 - provides local_ray
from tests.sources.helpers import indexed, settings_with

pytestmark = pytest.mark.ray
pytest.importorskip("ray")

BAD = {"empty.md": b"  \n\n", "corrupt.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrunc"}


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeGitHub]:
    """A private repo holding the knowledge-base test corpus (every format) and two files
    that cannot be read; its collaborator makes the readers more than one principal."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    corpus = write_corpus(tmp_path / "corpus")
    files = {p.name: p.read_bytes() for p in corpus.iterdir()}
    files["security.pdf"] = pdf_bytes(SECURITY_PDF_LINES)
    with FakeGitHub() as fake:
        repo = fake.add_repo("acme/handbook", {**files, **BAD}, private=True)
        repo.collaborators = ["ana"]
        yield fake


def source_settings(data_dir: Path, github: FakeGitHub, ray: str | None) -> Settings:
    settings = settings_with(
        data_dir,
        handbook={
            "kind": "github",
            "repos": ["acme/handbook"],
            "base_url": github.api_url,
            "paths": ["*"],
            "ray_min_documents": 4,
        },
    )
    deploy = settings.deploy.model_copy(update={"address": ray})
    return settings.model_copy(update={"deploy": deploy})


def run_sync(settings: Settings) -> SyncReport:
    """One sync as `bot sources sync` runs it: the embedder built from the settings (as the
    Ray workers build theirs), Ray when the settings name a cluster."""
    store = open_store(None, settings.data_dir)
    try:
        runner = SourceRunner(settings, store)
        return runner.sync_one("handbook", settings.sources["handbook"])
    finally:
        store.close()


def documents(settings: Settings) -> dict[str, Any]:
    store = open_store(None, settings.data_dir)
    try:
        return SyncState(store).documents("handbook")
    finally:
        store.close()


def chunks(settings: Settings) -> dict[str, tuple[str, dict[str, Any]]]:
    from knowledge.store import KnowledgeStore

    store = KnowledgeStore.open(settings, shared_minilm().name)
    try:
        got = store.collection.get(include=["documents", "metadatas"])
    finally:
        store.close()
    rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    return {i: (text, dict(meta)) for i, text, meta in rows}


def top_hits(settings: Settings) -> dict[str, list[tuple[str, str, str, float]]]:
    searcher = Searcher(settings, embedder=shared_minilm())
    return {
        q: [(p.chunk_id, p.url, p.modified, p.score) for p in searcher.search(q, top_k=3)]
        for q in PARAPHRASES
    }


def test_a_first_sync_on_ray_indexes_exactly_what_the_local_sync_does(
    local_ray: str, github: FakeGitHub, tmp_path: Path
) -> None:
    local = source_settings(tmp_path / "local", github, ray=None)
    on_ray = source_settings(tmp_path / "ray", github, ray=local_ray)

    here, there = run_sync(local), run_sync(on_ray)
    assert (here.embedded_on, there.embedded_on) == ("", f"Ray cluster {local_ray}")
    assert f"embedded on Ray cluster {local_ray}" in there.summary()
    assert there.outcome == here.outcome == "ok"
    assert sorted(there.added) == sorted(here.added) and len(there.added) == 6
    assert sorted(there.skipped) == sorted(here.skipped) and len(there.skipped) == 2
    assert there.embedded == here.embedded > 0

    ray_chunks = chunks(on_ray)
    assert ray_chunks == chunks(local)
    meta = next(m for _, m in ray_chunks.values() if m["path"].endswith(":deploy.md"))
    head = github.repos["acme/handbook"].commits[-1].sha
    assert meta["url"] == f"{github.html('acme/handbook')}/blob/{head}/deploy.md#L1"
    assert meta["readers"] == ["github-repo:acme/handbook", "user:ana"]
    assert meta["modified"].startswith("2026-01-01")
    assert documents(on_ray) == documents(local)
    got, expected = top_hits(on_ray), top_hits(local)
    for question, hits in expected.items():
        assert [h[:3] for h in got[question]] == [h[:3] for h in hits], question
        assert [h[3] for h in got[question]] == pytest.approx([h[3] for h in hits], abs=1e-3)
    chroma, lexical = indexed(on_ray)
    assert set(chroma) == lexical

    again = run_sync(on_ray)  # only the two unreadable files to fetch again: here, not on Ray
    assert (again.embedded, again.unchanged, again.embedded_on) == (0, 6, "")


def test_a_ray_sync_killed_after_writing_resumes_without_embedding_again(
    local_ray: str, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sources.ray_embed as ray_embed

    settings = source_settings(tmp_path / "data", github, ray=local_ray)
    real_write = ray_embed.write_rows

    def write_then_die(*args: Any, **kwargs: Any) -> Any:
        real_write(*args, **kwargs)
        raise RuntimeError("killed after writing, before any state was recorded")

    monkeypatch.setattr(ray_embed, "write_rows", write_then_die)
    killed = run_sync(settings)
    assert killed.outcome == "failed" and killed.added == [] and documents(settings) == {}
    monkeypatch.setattr(ray_embed, "write_rows", real_write)

    resumed = run_sync(settings)
    assert (resumed.outcome, len(resumed.added)) == ("ok", 6), resumed.errors
    assert resumed.embedded_on == f"Ray cluster {local_ray}"
    assert resumed.embedded < resumed.chunks, "passages written before the kill are reused"
    chroma, lexical = indexed(settings)
    assert set(chroma) == lexical
    assert len(documents(settings)) == 6
    assert {m["path"] for m in chroma.values()} == {
        f"source:handbook/{key}" for key in documents(settings)
    }


def test_bot_sources_sync_ray_says_where_it_embedded(
    local_ray: str, github: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from apps.cli.main import main

    config = tmp_path / "bot.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\ntools = ["search_knowledge"]\n'
        "[access]\nenabled = false\n"  # a hosted source needs the choice made
        f'[sources.handbook]\nkind = "github"\nrepos = ["acme/handbook"]\npaths = ["*"]\n'
        f'ray_min_documents = 4\nbase_url = "{github.api_url}"\n',
        "utf-8",
    )
    args = ["--config", str(config), "sources", "sync", "handbook", "--no-progress"]
    assert main([*args, "--ray"]) == 0  # no cluster named: a local Ray (here, the test's)
    out = capsys.readouterr().out
    assert "handbook: ok, 6 added" in out and "embedded on a local Ray" in out
    assert main(args) == 0  # no cluster configured: here, as always
    assert "embedded on" not in capsys.readouterr().out
