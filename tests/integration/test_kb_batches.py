"""The load -> chunk -> embed batch functions take numpy columns, as Ray Data passes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.batches import ChunkBatch, EmbedBatch, LoadBatch
from knowledge.discover import discover
from tests.kb.corpus import write_bad_files, write_corpus
from tests.kb.helpers import kb_settings, shared_minilm


def as_numpy(batch: dict[str, list]) -> dict[str, np.ndarray]:  # type: ignore[type-arg]
    return {k: np.asarray(v) for k, v in batch.items()}


def test_batches_chain_on_numpy_columns(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    write_bad_files(corpus)
    files = discover([corpus]).files
    rows = {"path": [f.path for f in files], "source": [f.source for f in files]}
    loaded = LoadBatch(10_000_000)(as_numpy(rows))
    assert loaded["status"].count("ok") == 6 and loaded["status"].count("skipped") == 5
    settings = kb_settings(tmp_path / "data")
    chunks = ChunkBatch(settings, counter=shared_minilm())(as_numpy(loaded))
    assert len(chunks["id"]) == len(set(chunks["id"])) > 6
    embedded = EmbedBatch(embedder=shared_minilm())(as_numpy(chunks))
    vectors = np.asarray(embedded["embedding"], dtype=np.float32)
    assert vectors.shape == (len(chunks["id"]), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_unchanged_files_are_not_parsed_and_known_chunks_not_embedded(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    files = discover([corpus / "deploy.md"]).files
    rows = {"path": [files[0].path], "source": [files[0].source]}
    first = LoadBatch(10_000_000)(rows)
    assert LoadBatch(10_000_000, {files[0].path: first["file_hash"][0]})(rows)["status"] == [
        "unchanged"
    ]
    settings = kb_settings(tmp_path / "data")
    chunks = ChunkBatch(settings, counter=shared_minilm())(first)
    known = {files[0].path: set(chunks["id"][:1])}
    again = ChunkBatch(settings, known, counter=shared_minilm())(first)
    assert again["needs_embedding"] == [False] + [True] * (len(chunks["id"]) - 1)
    out = EmbedBatch(embedder=shared_minilm())(again)
    assert out["embedding"][0] is None and out["embedding"][1] is not None
