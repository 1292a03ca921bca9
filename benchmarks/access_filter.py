"""Search filtered by who asks against unfiltered search, side by side on one collection:
PASSAGES passages (default 100,000; ``ACCESS_BENCH_PASSAGES`` to change) with 1,000 distinct
permission sets, hybrid retrieval (Chroma with ``$contains`` on ``readers``, FTS5 joined with
its readers table). Every filtered result is checked for a leak on the way."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384
SETS = 1000
QUERIES = 60
PROBES = int(os.environ.get("ACCESS_BENCH_PROBES", "10000"))
WORDS = [f"w{i}" for i in range(2000)]


class RandomQueries:
    """An embedder stand-in: the benchmark times the index, not the model."""

    name = "bench-random"
    max_tokens = 256

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.next: np.ndarray | None = None

    def embed_query(self, text: str) -> np.ndarray:
        if self.next is not None:  # a probe aimed at one passage asks with its vector
            vec, self.next = self.next, None
            return vec
        vec = self.rng.standard_normal(DIM).astype(np.float32)
        return vec / np.linalg.norm(vec)


def permission_sets(rng: random.Random, users: int) -> list[list[str]]:
    pool = ([f"user:u{i}@example.com" for i in range(users)]
            + [f"group:g{i}" for i in range(60)] + [f"slack-channel:C{i}" for i in range(40)])
    sets: dict[tuple[str, ...], None] = {("public",): None}
    while len(sets) < SETS:
        sets[tuple(sorted(set(rng.sample(pool, rng.randint(1, 3)))))] = None
    return [list(s) for s in sets]


def fill(settings: Any, n: int, sets: list[list[str]], rng: random.Random
          ) -> tuple[np.ndarray, list[str], list[dict[str, Any]]]:  # the Corpus
    from knowledge.store import KnowledgeStore

    store = KnowledgeStore.open(settings, RandomQueries.name, write=True)
    vectors = np.random.default_rng(1).standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [" ".join(rng.sample(WORDS, 30)) for _ in range(n)]
    metas = [{"path": f"/d/{i // 4}.md", "source": f"d/{i // 4}.md", "title": f"Doc {i // 4}",
              "readers": sets[(i // 4) % len(sets)]} for i in range(n)]
    ids = [f"c{i}" for i in range(n)]
    try:
        for start in range(0, n, 5000):
            end = start + 5000
            store.upsert(ids[start:end], vectors[start:end], texts[start:end], metas[start:end])
    finally:
        store.close()
    return vectors, texts, metas


Corpus = tuple[np.ndarray, list[str], list[dict[str, Any]]]


def probes(searcher: Any, embedder: RandomQueries, corpus: Corpus, count: int, seed: int
           ) -> tuple[int, int, int, int]:
    """Questions aimed at random passages (their own words and vector), each asked by an
    authorised and an unauthorised principal: (probes, leaks, found filtered, found
    unfiltered) — the last two over the authorised askers."""
    from contracts.access import Principal

    vectors, texts, metas = corpus
    rng = random.Random(seed)
    asked = leaked = found = found_plain = 0
    for _ in range(count // 2):
        i = rng.randrange(len(texts))
        readers = metas[i]["readers"]
        query = " ".join(texts[i].split()[:6])
        allowed = Principal(f"user:p{rng.randrange(10**6)}@example.com",
                            groups=(rng.choice(readers),))
        denied = Principal(f"user:q{rng.randrange(10**6)}@example.com", groups=("group:none",))
        for who in (allowed, denied):
            embedder.next = vectors[i]
            hits = searcher.search(query, 4, -1.0, who)
            asked += 1
            leaked += sum(not set(p.readers) & set(who.grants) for p in hits)
            if who is allowed:
                found += any(p.chunk_id == f"c{i}" for p in hits)
        embedder.next = vectors[i]
        found_plain += any(p.chunk_id == f"c{i}" for p in searcher.search(query, 4, -1.0))
    return asked, leaked, found, found_plain


def _time(searcher: Any, queries: list[str], principals: list[Any] | None) -> list[float]:
    times = []
    for i, query in enumerate(queries):
        who = None if principals is None else principals[i % len(principals)]
        started = time.perf_counter()
        found = searcher.search(query, 4, -1.0, who)
        times.append(time.perf_counter() - started)
        if who is not None:
            assert all(set(p.readers) & set(who.grants) for p in found), "leak"
    return times


def run() -> str:
    from config import load_settings
    from contracts.access import Principal
    from knowledge.search import Searcher

    n = int(os.environ.get("ACCESS_BENCH_PASSAGES", "100000"))
    rng = random.Random(20)
    sets = permission_sets(rng, users=200)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), tools=["search_knowledge"])
        corpus = fill(settings, n, sets, rng)
        embedder = RandomQueries(3)
        searcher = Searcher(settings, embedder=embedder)  # type: ignore[arg-type]
        principals = [Principal(f"user:u{i}@example.com", groups=(f"group:g{i % 60}",))
                      for i in range(50)]
        queries = [" ".join(rng.sample(WORDS, 4)) for _ in range(QUERIES)]
        _time(searcher, queries[:5], principals)  # open, sync the lexical index, backfill
        plain, filtered = [], []
        for half in (queries[: QUERIES // 2], queries[QUERIES // 2 :]):  # alternate
            plain += _time(searcher, half, None)
            filtered += _time(searcher, half, principals)
        asked, leaked, found, found_plain = probes(searcher, embedder, corpus, PROBES, seed=5)
    p, f = statistics.median(plain), statistics.median(filtered)
    return (
        f"## Access: filtered against unfiltered search\n\n"
        f"{n:,} passages, {len(sets):,} distinct permission sets, hybrid retrieval, top 4, "
        f"{QUERIES} queries each, {len(filtered)} leak checks (0 leaks).\n\n"
        f"| search | median | ratio |\n|---|---|---|\n"
        f"| unfiltered | {p * 1000:.1f} ms | 1.00× |\n"
        f"| filtered by the asker's grants | {f * 1000:.1f} ms | {f / p:.2f}× |\n\n"
        f"Leak probes: {asked:,} questions aimed at random passages, half asked by someone "
        f"the passage names, half by someone it does not: **{leaked} leaks**. Recall of the "
        f"authorised askers: the passage in the top 4 {found}/{asked // 2} times filtered, "
        f"{found_plain}/{asked // 2} unfiltered.\n"
    )


if __name__ == "__main__":
    print(run())
