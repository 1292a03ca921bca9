"""Ingestion into a real embedded Chroma with the real offline MiniLM model."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import WriterLocked
from knowledge.ingest import ingest
from knowledge.search import Searcher
from knowledge.store import KnowledgeStore
from tests.kb.corpus import PARAPHRASES, write_bad_files, write_corpus
from tests.kb.helpers import CountingEmbedder, kb_settings, shared_minilm


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


def run(settings, paths, **kw):  # type: ignore[no-untyped-def]
    embedder = kw.pop("embedder", None) or CountingEmbedder(shared_minilm())
    report = ingest(settings, paths, embedder=embedder, progress=False, **kw)
    return report, embedder


def sources_in(settings) -> set[str]:  # type: ignore[no-untyped-def]
    store = KnowledgeStore.open(settings, shared_minilm().name)
    return {s.source.rsplit("/", 1)[-1] for s in store.manifest().values()}


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The corpus ingested once for all the paraphrase questions."""
    root = tmp_path_factory.mktemp("paraphrases")
    settings = kb_settings(root / "data")
    run(settings, [write_corpus(root / "corpus")])
    return Searcher(settings, embedder=shared_minilm())


@pytest.mark.parametrize("question", sorted(PARAPHRASES))
def test_paraphrased_questions_find_the_right_file(question: str, searched: Searcher) -> None:
    passages = searched.search(question, top_k=1)
    assert passages, f"nothing retrieved for {question!r}"
    assert passages[0].source.endswith(PARAPHRASES[question]), passages[0]


def test_second_ingest_of_unchanged_files_embeds_nothing(corpus: Path, data_dir: Path) -> None:
    settings = kb_settings(data_dir)
    first, embedder = run(settings, [corpus])
    assert len(first.ingested) == 6 and embedder.embedded
    second, embedder = run(settings, [corpus])
    assert embedder.embedded == []
    assert sorted(second.unchanged) == sorted(src for src, _ in first.ingested)
    assert second.ingested == []


def test_a_changed_file_replaces_its_chunks_and_only_new_text_is_embedded(
    corpus: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir)
    run(settings, [corpus])
    deploy = corpus / "deploy.md"
    deploy.write_text(deploy.read_text().replace("every Tuesday", "every Thursday"))
    report, embedder = run(settings, [corpus])
    assert [src.rsplit("/", 1)[-1] for src, _ in report.ingested] == ["deploy.md"]
    assert embedder.embedded and all("Thursday" in t for t in embedder.embedded)
    assert report.reused > 0 and report.deleted == len(embedder.embedded)
    hits = Searcher(settings, embedder=shared_minilm()).search("production deploy weekday", 4)
    texts = " ".join(p.text for p in hits)
    assert "Thursday" in texts and "Tuesday" not in texts


def test_prune_removes_chunks_of_deleted_files(corpus: Path, data_dir: Path) -> None:
    settings = kb_settings(data_dir)
    run(settings, [corpus])
    (corpus / "vacation.md").unlink()
    run(settings, [corpus])
    assert "vacation.md" in sources_in(settings), "without --prune, nothing is deleted"
    report, embedder = run(settings, [corpus], prune=True)
    assert [p.rsplit("/", 1)[-1] for p in report.pruned] == ["vacation.md"]
    assert "vacation.md" not in sources_in(settings)
    assert embedder.embedded == [] and len(sources_in(settings)) == 5
    hits = Searcher(settings, embedder=shared_minilm()).search("paid leave days per year", 4)
    assert all(not p.source.endswith("vacation.md") for p in hits)


def test_bad_files_are_skipped_with_reasons_and_the_run_completes(
    corpus: Path, data_dir: Path
) -> None:
    expected = write_bad_files(corpus)
    report, _ = run(kb_settings(data_dir), [corpus, corpus / "missing.md"])
    reasons = {src.rsplit("/", 1)[-1]: why for src, why in report.skipped}
    for name, word in expected.items():
        assert word.lower() in reasons[name].lower(), (name, reasons[name])
    assert "no such file" in reasons["missing.md"]
    assert len(report.ingested) == 6
    summary = report.summary()
    assert "corrupt.pdf" in summary and "skipped:   6 files" in summary


def test_huge_files_are_skipped(corpus: Path, data_dir: Path) -> None:
    (corpus / "huge.txt").write_text("word " * 300_000)
    report, _ = run(kb_settings(data_dir, max_file_mb=1), [corpus])
    reasons = dict(report.skipped)
    assert any("kb.max_file_mb" in why for why in reasons.values())


def test_a_killed_run_leaves_the_collection_consistent_and_a_rerun_completes_it(
    corpus: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir)
    for i in range(40):  # enough files for several write batches
        (corpus / f"note{i:02}.md").write_text(f"# Note {i}\n\nThe code word of note {i} is w{i}x.")
    with pytest.raises(KeyboardInterrupt):
        run(
            settings, [corpus], embedder=CountingEmbedder(shared_minilm(), fail_after=40)
        )  # dies in the 2nd batch
    report, embedder = run(settings, [corpus])
    assert report.unchanged, "files written before the kill are complete and kept"
    assert len(report.ingested) + len(report.unchanged) == 46
    third, embedder = run(settings, [corpus])
    assert embedder.embedded == [] and len(third.unchanged) == 46
    hit = Searcher(settings, embedder=shared_minilm()).search("code word of note 37", 1)
    assert "w37x" in hit[0].text


def test_an_interrupted_file_is_reingested_without_reembedding_what_was_stored(
    corpus: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir)
    run(settings, [corpus])
    store = KnowledgeStore.open(settings, shared_minilm().name)
    state = next(s for s in store.manifest().values() if s.source.endswith("deploy.md"))
    store.delete(sorted(state.ids)[:1])  # as if the run died between two writes
    report, embedder = run(settings, [corpus])
    assert [s.rsplit("/", 1)[-1] for s, _ in report.ingested] == ["deploy.md"]
    assert len(embedder.embedded) == 1


def test_a_second_writer_is_refused_with_a_clear_error(corpus: Path, data_dir: Path) -> None:
    settings = kb_settings(data_dir)
    holder = KnowledgeStore.open(settings, shared_minilm().name, write=True)
    try:
        with pytest.raises(WriterLocked) as caught:
            run(settings, [corpus])
        message = str(caught.value)
        assert "another process is writing" in message and "kb.url" in message
        assert "pid" in message
    finally:
        holder.close()
    report, _ = run(settings, [corpus])
    assert len(report.ingested) == 6
