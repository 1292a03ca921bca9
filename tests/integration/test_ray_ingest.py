"""``bot ingest --ray``: the same collection as the local path, built on a small local Ray."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apps.cli.main import main
from config import Settings
from knowledge.ingest import ingest
from knowledge.search import Searcher
from knowledge.store import KnowledgeStore
from tests.kb.corpus import PARAPHRASES, write_bad_files, write_corpus
from tests.kb.helpers import kb_settings, shared_minilm
from tests.kb.local_ray import local_ray_fixture  # noqa: F401 - provides local_ray

pytestmark = pytest.mark.ray
pytest.importorskip("ray")


def bot_ingest(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> str:
    code = main(["--data-dir", str(data_dir), "ingest", *argv, "--ray", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def chunks_in(settings: Settings) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every stored chunk: id -> (text, metadata)."""
    store = KnowledgeStore.open(settings, shared_minilm().name)
    got = store.collection.get(include=["documents", "metadatas"])
    rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    return {i: (d, dict(m)) for i, d, m in rows}


def top_passages(settings: Settings) -> dict[str, list[tuple[str, float]]]:
    searcher = Searcher(settings, embedder=shared_minilm())
    return {
        q: [(p.chunk_id, p.score) for p in searcher.search(q, top_k=3)] for q in PARAPHRASES
    }


def assert_same_results(
    got: dict[str, list[tuple[str, float]]], expected: dict[str, list[tuple[str, float]]]
) -> None:
    for question, passages in expected.items():
        assert [i for i, _ in got[question]] == [i for i, _ in passages], question
        assert [s for _, s in got[question]] == pytest.approx([s for _, s in passages], abs=1e-3)


def test_ray_builds_the_same_collection_and_a_rerun_embeds_nothing(
    local_ray: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "handbook")
    write_bad_files(corpus)
    local, on_ray = kb_settings(tmp_path / "local"), kb_settings(tmp_path / "ray")
    ingest(local, [corpus], progress=False)  # the embedder `bot ingest` builds, like Ray
    out = bot_ingest(capsys, tmp_path / "ray", str(corpus))
    assert "ingested:  6 files" in out and "skipped:   5 files" in out
    assert "handbook/corrupt.pdf: corrupt PDF" in out
    assert chunks_in(on_ray) == chunks_in(local)
    assert_same_results(top_passages(on_ray), top_passages(local))

    out = bot_ingest(capsys, tmp_path / "ray", str(corpus))
    assert "unchanged: 6 files" in out and "ingested:  0 files (0 chunks, 0 embedded" in out


def test_ray_replaces_a_changed_file_and_prunes_a_deleted_one(
    local_ray: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from knowledge.ray_ingest import ingest_with_ray

    corpus = write_corpus(tmp_path / "handbook")
    settings = kb_settings(tmp_path / "data")
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False)  # built locally
    deploy = corpus / "deploy.md"
    deploy.write_text(deploy.read_text().replace("every Tuesday", "every Thursday"))
    (corpus / "vacation.md").unlink()

    report = ingest_with_ray(settings, [corpus], prune=True, progress=False)
    assert [src for src, _ in report.ingested] == ["handbook/deploy.md"]
    assert report.embedded >= 1 and report.reused >= 1, "unchanged passages keep their vectors"
    assert report.pruned == ["handbook/vacation.md"] and len(report.unchanged) == 4
    sources = {meta["source"] for _, meta in chunks_in(settings).values()}
    assert "handbook/vacation.md" not in sources and "handbook/deploy.md" in sources
    hits = Searcher(settings, embedder=shared_minilm()).search("production deploy weekday", 4)
    texts = " ".join(p.text for p in hits)
    assert "Thursday" in texts and "Tuesday" not in texts
