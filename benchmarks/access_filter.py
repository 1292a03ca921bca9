"""Search filtered by who asks against unfiltered search, side by side on one collection, at
each size in ``ACCESS_BENCH_PASSAGES`` (default ``10000,30000,100000``): 1,000 distinct
permission sets, hybrid retrieval, askers who may read a little, some or most of it.

The passages are not embedded: random unit vectors and texts of random words are written
through the ingest writer (``knowledge.writer.write_rows``) into the real Chroma collection
and lexical index. Each query is asked unfiltered and filtered with the same words and
vector, in alternating order; every filtered result is checked for a leak, and for recall:
the passages of the unfiltered top 4 the asker may read should be in their filtered top 4.
Leak probes follow (``ACCESS_BENCH_PROBES`` questions aimed at random passages, at each
size)."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384
SETS = 1000
QUERIES = 150  # 50 per kind of asker
PROBES = int(os.environ.get("ACCESS_BENCH_PROBES", "4000"))  # per size
WORDS = [f"w{i}" for i in range(2000)]
BATCH = 5000


class RandomQueries:
    """An embedder stand-in: the benchmark times the index, not the model."""

    name = "bench-random"
    max_tokens = 256

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.next: np.ndarray | None = None

    def embed_query(self, text: str) -> np.ndarray:
        if self.next is not None:  # a question asked with a chosen vector
            vec, self.next = self.next, None
            return vec
        return self.random()

    def random(self) -> np.ndarray:
        vec = self.rng.standard_normal(DIM).astype(np.float32)
        return vec / np.linalg.norm(vec)


def reader_pool(users: int) -> list[str]:
    return (
        [f"user:u{i}@example.com" for i in range(users)]
        + [f"group:g{i}" for i in range(60)]
        + [f"slack-channel:C{i}" for i in range(40)]
    )


def permission_sets(rng: random.Random, users: int) -> list[list[str]]:
    pool = reader_pool(users)
    sets: dict[tuple[str, ...], None] = {("public",): None}
    while len(sets) < SETS:
        sets[tuple(sorted(set(rng.sample(pool, rng.randint(1, 3)))))] = None
    return [list(s) for s in sets]


Corpus = tuple[np.ndarray, list[str], list[dict[str, Any]]]


def fill(settings: Any, n: int, sets: list[list[str]], rng: random.Random) -> Corpus:
    """``n`` passages (four per document, a permission set per document) written through
    the ingest writer into Chroma and the lexical index, with vectors but no model."""
    from knowledge.lexical_sync import open_index, sync
    from knowledge.store import KnowledgeStore
    from knowledge.writer import write_rows

    store = KnowledgeStore.open(settings, RandomQueries.name, write=True)
    lexical = open_index(settings, settings.kb.collection)
    vectors = np.random.default_rng(1).standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [" ".join(rng.sample(WORDS, 30)) for _ in range(n)]
    try:
        sync(store, lexical)  # as an ingest does first: the index follows this collection
        for start in range(0, n, BATCH):
            write_rows(
                store, _batch(range(start, min(n, start + BATCH)), vectors, texts, sets), lexical
            )
    finally:
        store.close()
        lexical.close()
    metas = [{"readers": sets[(i // 4) % len(sets)]} for i in range(n)]
    return vectors, texts, metas


def _batch(
    rows: range, vectors: np.ndarray, texts: list[str], sets: list[list[str]]
) -> dict[str, list[Any]]:
    """Rows as the ingest pipeline hands them to the writer."""
    docs = [i // 4 for i in rows]
    return {
        "id": [f"c{i}" for i in rows],
        "path": [f"/d/{d}.md" for d in docs],
        "source": [f"d/{d}.md" for d in docs],
        "title": [f"Doc {d}" for d in docs],
        "heading": [""] * len(rows),
        "kind": ["markdown"] * len(rows),
        "chunk_index": [i % 4 for i in rows],
        "chunk_count": [4] * len(rows),
        "content_hash": [f"h{i}" for i in rows],
        "file_hash": [f"f{d}" for d in docs],
        "text": [texts[i] for i in rows],
        "embedding": [vectors[i] for i in rows],
        "readers": [sets[d % len(sets)] for d in docs],
    }


def askers(rng: random.Random, users: int) -> dict[str, list[Any]]:
    """Principals who may read a little (their id and one group), some (16 groups and
    channels) or most (200 of the 300 reader strings) of the collection."""
    from contracts.access import Principal

    pool = reader_pool(users)
    groups = pool[users:]
    return {
        "a little": [
            Principal(f"user:u{i}@example.com", groups=(f"group:g{i % 60}",)) for i in range(20)
        ],
        "some": [
            Principal(f"user:u{i}@example.com", groups=tuple(rng.sample(groups, 16)))
            for i in range(20)
        ],
        "most": [
            Principal(f"user:u{i}@example.com", groups=tuple(rng.sample(pool, 200)))
            for i in range(20)
        ],
    }


def probes(
    searcher: Any, embedder: RandomQueries, corpus: Corpus, count: int, seed: int
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
        allowed = Principal(
            f"user:p{rng.randrange(10**6)}@example.com", groups=(rng.choice(readers),)
        )
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


@dataclass
class Timings:
    """One kind of asker's times (seconds), readable share, leaks and recall."""

    plain: list[float] = field(default_factory=list)
    filtered: list[float] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    leaks: int = 0
    kept: int = 0  # readable passages of the unfiltered top 4 also in the filtered top 4
    readable: int = 0  # readable passages of the unfiltered top 4


def _timed(
    searcher: Any, embedder: RandomQueries, query: str, vector: np.ndarray, who: Any
) -> tuple[float, list[Any]]:
    embedder.next = vector
    started = time.perf_counter()
    found = searcher.search(query, 4, -1.0, who)
    return time.perf_counter() - started, found


def side_by_side(
    searcher: Any, embedder: RandomQueries, who: Any, query: str, first_plain: bool, into: Timings
) -> None:
    """One query unfiltered and filtered (same words and vector), in the order given."""
    vector = embedder.random()
    order = [None, who] if first_plain else [who, None]
    results = {id(w): _timed(searcher, embedder, query, vector, w) for w in order}
    (t_plain, plain), (t_filtered, filtered) = results[id(None)], results[id(who)]
    into.plain.append(t_plain)
    into.filtered.append(t_filtered)
    into.leaks += sum(not set(p.readers) & set(who.grants) for p in filtered)
    mine = {p.chunk_id for p in plain if set(p.readers) & set(who.grants)}
    into.readable += len(mine)
    into.kept += len(mine & {p.chunk_id for p in filtered})


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def one_size(n: int, probes_count: int) -> tuple[dict[str, Timings], tuple[int, ...]]:
    from config import load_settings
    from knowledge.search import Searcher

    rng = random.Random(20)
    sets = permission_sets(rng, users=200)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), tools=["search_knowledge"])
        corpus = fill(settings, n, sets, rng)
        embedder = RandomQueries(3)
        searcher = Searcher(settings, embedder=embedder)  # type: ignore[arg-type]
        kinds = askers(rng, users=200)
        for who in (w for ws in kinds.values() for w in ws):  # open, sync, warm each cache
            searcher.search("w1 w2", 4, -1.0, who)
        searcher.search("w1 w2", 4, -1.0)
        timings = {kind: Timings() for kind in kinds}
        for i in range(QUERIES):
            kind = list(kinds)[i % len(kinds)]
            who = kinds[kind][(i // len(kinds)) % len(kinds[kind])]
            query = " ".join(rng.sample(WORDS, 4))
            side_by_side(searcher, embedder, who, query, i % 2 == 0, timings[kind])
            timings[kind].shares.append(_share(corpus, who))
        probed = probes(searcher, embedder, corpus, probes_count, seed=5)
    return timings, probed


def _share(corpus: Corpus, who: Any) -> float:
    grants = set(who.grants)
    metas = corpus[2]
    return sum(bool(set(m["readers"]) & grants) for m in metas) / len(metas)


def section(results: list[tuple[int, dict[str, Timings], tuple[int, ...]]]) -> str:
    rows = []
    for n, timings, _ in results:
        every = Timings()
        for kind, t in timings.items():
            rows.append(_row(f"{n:,}", f"{kind} ({statistics.mean(t.shares):.0%})", t))
            every.plain += t.plain
            every.filtered += t.filtered
            every.leaks += t.leaks
            every.kept += t.kept
            every.readable += t.readable
        rows.append(_row(f"**{n:,}**", "**all**", every))
    probe_lines = [
        f"- {n:,} passages: {a:,} probes, **{leaked} leaks**; the aimed-at passage in the "
        f"top 4 of its authorised asker {f}/{a // 2} times filtered, {fp}/{a // 2} unfiltered."
        for n, _, (a, leaked, f, fp) in results
    ]
    return (
        "## Access: filtered against unfiltered search\n\n"
        f"1,000 distinct permission sets, hybrid retrieval, top 4, {QUERIES} queries per size "
        "(50 per kind of asker; in brackets the share of the collection they may read), each "
        "asked unfiltered and filtered with the same words and vector, in alternating order. "
        "Recall: of the passages in the unfiltered top 4 that the asker may read, how many "
        "their filtered top 4 holds.\n\n"
        "| passages | asker may read | unfiltered median / p95 | filtered median / p95 "
        "| ratio of medians | ratio of p95 | leaks | recall |\n"
        "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "Leak probes, questions aimed at random passages (their own words and vector), half "
        "asked by someone the passage names, half by someone it does not:\n\n"
        + "\n".join(probe_lines)
        + "\n"
    )


def _row(size: str, kind: str, t: Timings) -> str:
    pm, ff = statistics.median(t.plain), statistics.median(t.filtered)
    return (
        f"| {size} | {kind} | {pm * 1000:.1f} / {p95(t.plain) * 1000:.1f} ms "
        f"| {ff * 1000:.1f} / {p95(t.filtered) * 1000:.1f} ms | {ff / pm:.2f}× "
        f"| {p95(t.filtered) / p95(t.plain):.2f}× | {t.leaks} | {t.kept}/{t.readable} |"
    )


def run() -> str:
    sizes = [
        int(s) for s in os.environ.get("ACCESS_BENCH_PASSAGES", "10000,30000,100000").split(",")
    ]
    results = []
    for n in sizes:
        started = time.perf_counter()
        timings, probed = one_size(n, PROBES)
        results.append((n, timings, probed))
        print(
            f"  {n:,} passages: {time.perf_counter() - started:.0f} s, load "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
    return section(results)


if __name__ == "__main__":
    print(run())
