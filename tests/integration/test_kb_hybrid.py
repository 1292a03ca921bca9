"""Hybrid retrieval on a real embedded Chroma, FTS5 index and MiniLM model."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from config import Settings
from knowledge.ingest import ingest
from knowledge.lexical_sync import lexical_path
from knowledge.search import Searcher
from knowledge.store import KnowledgeStore
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm
from tests.kb.identifier_corpus import ANSWER, QUESTION, write_identifier_pages


def searcher(data_dir: Path, **kb: object) -> Searcher:
    return Searcher(kb_settings(data_dir, **kb), embedder=shared_minilm())


def lexical_ids(settings: Settings) -> set[str]:
    path = lexical_path(settings, settings.kb.collection)
    return {r[0] for r in sqlite3.connect(path).execute("SELECT id FROM docs")}


def chroma_ids(settings: Settings) -> set[str]:
    return KnowledgeStore.open(settings, shared_minilm().name).all_ids()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_identifier_pages(write_corpus(tmp_path / "corpus"))


def test_hybrid_finds_the_page_defining_a_named_setting_that_dense_misses(
    corpus: Path, data_dir: Path
) -> None:
    ingest(kb_settings(data_dir), [corpus], embedder=shared_minilm(), progress=False)
    dense = searcher(data_dir, retrieval="dense").search(QUESTION, 1)
    assert not dense[0].source.endswith(ANSWER), "precondition: dense alone misses it"
    hybrid = searcher(data_dir).search(QUESTION, 1)
    assert hybrid[0].source.endswith(ANSWER)
    assert "upload_limit_mb" in hybrid[0].text
    assert hybrid[0].heading == "Settings reference › Server" and 0 < hybrid[0].score < 1


def test_a_search_within_files_is_hybrid_too(corpus: Path, data_dir: Path) -> None:
    """A file's other sections reach a quote through a search within the files found: by
    the vectors alone it missed the section that names what was asked."""
    ingest(kb_settings(data_dir), [corpus], embedder=shared_minilm(), progress=False)
    wrong = searcher(data_dir, retrieval="dense").search(QUESTION, 1)[0].source
    right = searcher(data_dir).search(QUESTION, 1)[0].source
    files = [wrong, right]
    dense = searcher(data_dir, retrieval="dense").search(QUESTION, 1, within=files)
    assert dense[0].source == wrong, "precondition: the vectors alone prefer the other file"
    hybrid = searcher(data_dir).search(QUESTION, 3, within=files)
    assert hybrid[0].source == right and "upload_limit_mb" in hybrid[0].text
    assert {p.source for p in hybrid} <= set(files)


def test_ingest_writes_the_lexical_index_beside_chroma(corpus: Path, data_dir: Path) -> None:
    settings = kb_settings(data_dir)
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    assert lexical_ids(settings) == chroma_ids(settings) and lexical_ids(settings)
    lexical = searcher(data_dir, retrieval="lexical").search("espresso descaled Friday", 1)
    assert lexical[0].source.endswith("kitchen.html")


def test_an_edit_and_a_prune_reach_the_lexical_index(corpus: Path, data_dir: Path) -> None:
    settings = kb_settings(data_dir)
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    deploy = corpus / "deploy.md"
    deploy.write_text(deploy.read_text().replace("every Tuesday", "every Thursday"))
    (corpus / "vacation.md").unlink()
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False, prune=True)
    assert lexical_ids(settings) == chroma_ids(settings)
    lexical = searcher(data_dir, retrieval="lexical", min_score=-1)
    assert all("Tuesday" not in p.text for p in lexical.search("Tuesday afternoon", 4))
    assert lexical.search("Thursday afternoon", 1)[0].source.endswith("deploy.md")
    assert all(not p.source.endswith("vacation.md") for p in lexical.search("paid leave", 4))


def test_a_lost_lexical_index_is_rebuilt_from_chroma_on_the_next_search(
    corpus: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir)
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    path = lexical_path(settings, settings.kb.collection)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert searcher(data_dir).search(QUESTION, 1)[0].source.endswith(ANSWER)
    assert lexical_ids(settings) == chroma_ids(settings)


def test_dense_mode_keeps_no_lexical_index(corpus: Path, data_dir: Path) -> None:
    settings = kb_settings(data_dir, retrieval="dense")
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    assert searcher(data_dir, retrieval="dense").search("paid leave per year", 1)
    assert not lexical_path(settings, settings.kb.collection).exists()
