"""Retrieval latency of the search tool at 10k and 100k chunks, against a raw Chroma query.

The collection is filled with random unit vectors (and short texts and metadata) written
straight into a temporary embedded Chroma, so building 100k chunks takes a minute rather
than hours of embedding. The search tool's path is the user's: the question is embedded
by the bot's MiniLM embedder, then searched (over-fetch, score floor, near-duplicates
collapsed). The baseline is ``collection.query`` with the same question's vector computed
beforehand: what Chroma costs on its own.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.kb_common import our_embedder, settings_in

SIZES = (10_000, 100_000)
QUERIES = 200
TOP_K = 4
DIMENSIONS = 384
TOPICS = ("Slack tokens", "the API keys", "a failed deploy", "the knowledge base", "PDF files",
          "the embedded model", "rate limits", "the Gradio page", "PostgreSQL", "Ray")
ASKS = ("How do I configure {}?", "What happens to {} when it breaks?", "Where are {} kept?",
        "Who owns {}?", "Can I turn off {}?", "Why is {} slow?", "How do I test {}?",
        "Explain {} to a newcomer", "What changed about {} last week?", "Is {} safe?",
        "{} in production", "Troubleshooting {}", "{}: limits and defaults", "Migrating {}",
        "Monitoring {}", "Backing up {}", "{} on a laptop", "{} with Docker", "Rotating {}",
        "Logging for {}")


def questions() -> list[str]:
    return [ask.format(topic) for ask in ASKS for topic in TOPICS][:QUERIES]


def fill(store: Any, start: int, end: int, rng: np.random.Generator) -> None:
    """Chunks ``start``..``end`` with random unit vectors, in Chroma-sized batches."""
    for first in range(start, end, 5000):
        last = min(first + 5000, end)
        vectors = rng.standard_normal((last - first, DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = [f"chunk-{i}" for i in range(first, last)]
        metas = [{"source": f"docs/file{i // 20}.md", "heading": f"Section {i % 20}",
                  "content_hash": f"h{i}", "path": f"/docs/file{i // 20}.md"}
                 for i in range(first, last)]
        store.upsert(ids, vectors, [f"Synthetic passage number {i}." for i in ids], metas)


def ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def measure_size(
    store: Any, searcher: Any, vectors: np.ndarray, asked: list[str]
) -> dict[str, list[float]]:
    """Alternate the two paths query by query, so load on the machine hits both alike."""
    tool: list[float] = []
    raw: list[float] = []
    for question, vector in zip(asked, vectors, strict=True):
        tool.append(ms(partial(searcher.search, question, TOP_K, -1.0)))
        query = partial(store.collection.query, query_embeddings=[vector.tolist()], n_results=TOP_K)
        raw.append(ms(query))
    return {"tool": tool, "raw": raw}


def run() -> str:
    from knowledge.search import Searcher
    from knowledge.store import KnowledgeStore

    embedder = our_embedder()
    asked = questions()
    vectors = np.stack([embedder.embed_query(q) for q in asked])
    embed_ms = [ms(partial(embedder.embed_query, q)) for q in asked]
    results, build = {}, {}
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_in(Path(tmp))
        store = KnowledgeStore.open(settings, embedder.name, collection="bench")
        searcher = Searcher(settings, embedder=embedder, collection="bench")
        done = 0
        for size in SIZES:
            started = time.perf_counter()
            fill(store, done, size, rng)
            build[size], done = time.perf_counter() - started, size
            results[size] = measure_size(store, searcher, vectors, asked)
    return render(results, build, embed_ms)


def render(results: dict[int, Any], build: dict[int, float], embed_ms: list[float]) -> str:
    rows = []
    for size, r in results.items():
        tool, raw = r["tool"], r["raw"]
        ratios = f"{p(tool, 50) / p(raw, 50):.1f}× / {p(tool, 99) / p(raw, 99):.1f}×"
        rows.append(
            f"| {size:,} | {p(tool, 50):.1f} / {p(tool, 99):.1f} ms | {p(raw, 50):.1f} / "
            f"{p(raw, 99):.1f} ms | {ratios} |"
        )
    return "\n".join([
        "## Knowledge base: retrieval latency at 10k and 100k chunks",
        "",
        f"{QUERIES} different questions per size (top {TOP_K}), the two paths alternating "
        "query by query, embedded Chroma (HNSW, cosine) in a temporary folder filled with "
        "random unit vectors.",
        "",
        "| chunks | search tool p50 / p99 | raw `collection.query` p50 / p99 | ratio p50 / p99 |",
        "|---|---|---|---|",
        *rows,
        "",
        "The search tool embeds the question (MiniLM, on its own: p50 "
        f"{statistics.median(embed_ms):.1f} ms, p99 {p(embed_ms, 99):.1f} ms), over-fetches "
        f"{3 * TOP_K} neighbours with their vectors, drops near-duplicates and builds "
        "citations; the raw query gets a ready vector. Filling the collection took "
        + ", ".join(f"{s:.0f} s for the first {n:,}" if n == SIZES[0] else
                    f"{s:.0f} s more for {n:,}" for n, s in build.items()) + ".",
    ])
