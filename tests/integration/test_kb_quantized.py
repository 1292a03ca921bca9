"""The int8-quantized MiniLM that ingestion uses by default (``kb.quantize``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.embedder import build_embedder
from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.kb.corpus import PARAPHRASES, write_corpus
from tests.kb.helpers import kb_settings, shared_minilm

TEXTS = [
    "Production deployments happen every Tuesday afternoon.",
    "How many days of paid leave do I get?",
    "The espresso machine is descaled every Friday morning by the facilities team.",
]


def test_the_quantized_model_is_built_once_and_agrees_with_the_original(
    data_dir: Path,
) -> None:
    settings = kb_settings(data_dir, embed_threads=1)
    quantized = build_embedder(settings)
    built = sorted((data_dir / "models").glob("minilm-*.onnx"))
    assert [str(quantized.files.model)] == [str(p) for p in built]  # type: ignore[attr-defined]
    stamp = built[0].stat().st_mtime_ns
    again = build_embedder(settings)
    assert again.files.model == built[0] and built[0].stat().st_mtime_ns == stamp  # type: ignore[attr-defined]
    cosine = np.sum(quantized.embed(TEXTS) * shared_minilm().embed(TEXTS), axis=1)
    assert cosine.min() > 0.98, cosine


def test_retrieval_with_the_quantized_model_finds_every_paraphrase(
    tmp_path: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir, embed_threads=1, retrieval="dense")
    embedder = build_embedder(settings)
    ingest(settings, [write_corpus(tmp_path / "c")], embedder=embedder, progress=False)
    searcher = Searcher(settings, embedder=embedder)
    for question, source in PARAPHRASES.items():
        assert searcher.search(question, 1)[0].source.endswith(source), question


def test_the_quantized_model_computes_each_gelu_in_one_operator(data_dir: Path) -> None:
    import onnx

    built = build_embedder(kb_settings(data_dir, embed_threads=1)).files.model  # type: ignore[attr-defined]
    ops = [node.op_type for node in onnx.load(str(built)).graph.node]
    assert ops.count("Gelu") == 6 and "Erf" not in ops  # one per layer, no formula left


def test_without_quantization_the_original_model_is_used(data_dir: Path) -> None:
    embedder = build_embedder(kb_settings(data_dir, quantize=False, embed_threads=1))
    assert embedder.files.model == shared_minilm().files.model  # type: ignore[attr-defined]
    assert not (data_dir / "models").exists()
