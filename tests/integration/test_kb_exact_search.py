"""The same question over the same files finds the same passages in every process.

A collection under Chroma's sync threshold (the bundled docs' size) has its HNSW graph built
again by each process that opens it; searched narrowly, each process returned another top
60. The knowledge store searches such a collection exhaustively: the nearest passages, by
exact cosine, from a fresh process, whether the collection is new or was made before (from
the process after the first that opens it). A collection past the threshold keeps Chroma's
own width.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from knowledge.store import CHROMA_EF, SYNC_THRESHOLD, KnowledgeStore
from tests.kb.helpers import kb_settings

ROOT = Path(__file__).resolve().parents[2]
N, DIM, K = 700, 384, 60
EMBEDDER = "minilm:test"
ASK = """
import json, sys
import numpy as np
from pathlib import Path
from knowledge.store import CHROMA_EF, SYNC_THRESHOLD, KnowledgeStore
from tests.kb.helpers import kb_settings
store = KnowledgeStore.open(kb_settings(Path(sys.argv[1])), "minilm:test", create=False)
queries = np.load(sys.argv[2])
print(json.dumps([[h.id for h in store.query(q, 60)] for q in queries]))
"""


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def fill(store_vectors: np.ndarray, add: object) -> list[str]:
    ids = [f"chunk-{i}" for i in range(len(store_vectors))]
    metadatas = [{"path": f"doc{i % 40}.md", "source": f"doc{i % 40}.md"} for i in range(len(ids))]
    add(ids, store_vectors, [f"text {i}" for i in ids], metadatas)  # type: ignore[operator]
    return ids


def asked_in_a_fresh_process(data_dir: Path, queries: np.ndarray) -> list[list[str]]:
    np.save(data_dir / "queries.npy", queries)
    out = subprocess.run([sys.executable, "-c", ASK, str(data_dir), str(data_dir / "queries.npy")],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def exact(vectors: np.ndarray, ids: list[str], queries: np.ndarray,
          found: list[list[str]]) -> bool:
    """Each list is the query's K nearest by cosine, best first (to float32 rounding: two
    passages as near as that may come in either order)."""
    row = {chunk: n for n, chunk in enumerate(ids)}
    for query, got in zip(queries, found, strict=True):
        scores = vectors @ query
        mine = scores[[row[chunk] for chunk in got]]
        kth = np.sort(scores)[::-1][K - 1]
        if len(got) != K or np.any(np.diff(mine) > 1e-5) or mine.min() < kth - 1e-5:
            return False
    return True


def test_a_small_collection_gives_the_exact_nearest_passages_in_a_new_process(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(7)
    vectors, queries = unit_vectors(rng, N), unit_vectors(rng, 30)
    store = KnowledgeStore.open(kb_settings(tmp_path), EMBEDDER, write=True)
    try:
        ids = fill(vectors, store.upsert)
    finally:
        store.close()
    assert exact(vectors, ids, queries, asked_in_a_fresh_process(tmp_path, queries))


def made_before(data_dir: Path, vectors: np.ndarray, width: int) -> tuple[object, list[str]]:
    """A collection as the store made it before, searched ``width`` wide."""
    client = chromadb.PersistentClient(path=str(data_dir / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    old = client.get_or_create_collection("docs", embedding_function=None, metadata={
        "embedder": EMBEDDER, "hnsw:space": "cosine", "hnsw:search_ef": width})
    ids = fill(vectors, lambda i, v, t, m: old.upsert(ids=i, embeddings=v.tolist(), documents=t,
                                                      metadatas=m))
    return old, ids


def test_a_small_collection_made_before_is_searched_exhaustively_after_its_first_open(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(8)
    vectors, queries = unit_vectors(rng, N), unit_vectors(rng, 30)
    _, ids = made_before(tmp_path, vectors, CHROMA_EF)
    KnowledgeStore.open(kb_settings(tmp_path), EMBEDDER, create=False)  # e.g. `bot kb stats`
    assert exact(vectors, ids, queries, asked_in_a_fresh_process(tmp_path, queries))


def test_a_collection_past_the_sync_threshold_keeps_chromas_width(tmp_path: Path) -> None:
    vectors = unit_vectors(np.random.default_rng(9), SYNC_THRESHOLD + 50)
    made_before(tmp_path, vectors, SYNC_THRESHOLD)  # widened while it was small
    store = KnowledgeStore.open(kb_settings(tmp_path), EMBEDDER, create=False)
    assert store.collection.configuration_json["hnsw"]["ef_search"] == CHROMA_EF
