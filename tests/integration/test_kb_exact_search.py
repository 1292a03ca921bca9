"""The same question over the same files finds the same passages in every process.

A collection under Chroma's sync threshold (the bundled docs' size) has its HNSW graph built
again by each process that opens it; searched narrowly, each process returned another top
60. The knowledge store searches such a collection exhaustively: the nearest passages, by
exact cosine, from a fresh process, whether the collection is new or was made before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from knowledge.store import KnowledgeStore
from tests.kb.helpers import kb_settings

ROOT = Path(__file__).resolve().parents[2]
N, DIM, K = 700, 384, 60
EMBEDDER = "minilm:test"
ASK = """
import json, sys
import numpy as np
from pathlib import Path
from knowledge.store import KnowledgeStore
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
    metadatas = [{"path": f"doc{i % 40}.md", "source": f"doc{i % 40}.md"} for i in range(N)]
    add(ids, store_vectors, [f"text {i}" for i in ids], metadatas)  # type: ignore[operator]
    return ids


def asked_in_a_fresh_process(data_dir: Path, queries: np.ndarray) -> list[list[str]]:
    np.save(data_dir / "queries.npy", queries)
    out = subprocess.run([sys.executable, "-c", ASK, str(data_dir), str(data_dir / "queries.npy")],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def exact(vectors: np.ndarray, ids: list[str], queries: np.ndarray) -> list[list[str]]:
    return [[ids[i] for i in np.argsort(-(vectors @ q), kind="stable")[:K]] for q in queries]


def test_a_small_collection_gives_the_exact_nearest_passages_in_a_new_process(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(7)
    vectors, queries = unit_vectors(rng, N), unit_vectors(rng, 5)
    store = KnowledgeStore.open(kb_settings(tmp_path), EMBEDDER, write=True)
    try:
        ids = fill(vectors, store.upsert)
    finally:
        store.close()
    assert asked_in_a_fresh_process(tmp_path, queries) == exact(vectors, ids, queries)


def test_a_collection_made_before_is_searched_as_wide_once_opened(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    vectors, queries = unit_vectors(rng, N), unit_vectors(rng, 5)
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    old = client.get_or_create_collection(  # as the store made it before: Chroma's default width
        "docs", metadata={"embedder": EMBEDDER, "hnsw:space": "cosine"}, embedding_function=None)
    ids = fill(vectors, lambda i, v, t, m: old.upsert(ids=i, embeddings=v.tolist(), documents=t,
                                                      metadatas=m))
    assert old.configuration_json["hnsw"]["ef_search"] < N
    assert asked_in_a_fresh_process(tmp_path, queries) == exact(vectors, ids, queries)
