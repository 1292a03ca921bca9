"""Which ingestion steps hold the interpreter lock, and for how long.

``bot ingest`` embeds on two threads (ONNX Runtime lets go of the lock while a batch runs)
while the main thread writes the batch before. A thread that needs the lock waits for it,
so a step that holds it long leaves the embedding threads unable to start their next run.
A ticker thread sleeps 1 ms in a loop and records how late it wakes while the main thread
runs one step on the same passages: embedding them (the floor's own work), writing them to
the lexical index (SQLite), and writing them to Chroma. Baseline: the ticker while the main
thread sleeps as long. Steps interleave, best of 3 rounds each (least held up), on 448
passages of the project's docs (real embed texts, 384-dimensional vectors, the pipeline's
metadata).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.kb_common import corpus, our_embedder, settings_in

PASSAGES = 448  # about one batch of 32 files of the PostgreSQL manual
ROUNDS = 3
LATE_S = 0.002  # a wake-up later than this counts as held up


class Ticker:
    """A thread that sleeps 1 ms at a time and records how late each wake-up was."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._tick, daemon=True)

    def _tick(self) -> None:
        last = time.perf_counter()
        while not self.stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.waits.append(now - last - 0.001)
            last = now

    def __enter__(self) -> Ticker:
        self.thread.start()
        time.sleep(0.02)
        self.waits.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def held(step: Callable[[], Any]) -> tuple[float, float, float]:
    """(wall s, longest wait s, seconds the ticker was held up) while ``step`` runs."""
    with Ticker() as ticker:
        started = time.perf_counter()
        step()
        wall = time.perf_counter() - started
    late = [w for w in ticker.waits if w > LATE_S]
    return wall, max(ticker.waits, default=0.0), sum(late)


def rows_for(passages: int, embedder: Any) -> dict[str, list[Any]]:
    """``passages`` chunk rows of the corpus as the pipeline writes them (the corpus's rows
    repeated under new ids), with their vectors."""
    from knowledge.batches import ChunkBatch, EmbedBatch, LoadBatch
    from knowledge.discover import discover

    found = discover(corpus())
    batch = {"path": [f.path for f in found.files], "source": [f.source for f in found.files]}
    chunks = ChunkBatch(settings_in(Path(os.devnull)))(LoadBatch(20_000_000)(batch))
    picked = [i % len(chunks["id"]) for i in range(passages)]
    rows = {column: [values[i] for i in picked] for column, values in chunks.items()}
    rows["id"] = [f"{chunk_id}-{n}" for n, chunk_id in enumerate(rows["id"])]
    return EmbedBatch(embedder=embedder)(rows)


def write_chroma(rows: dict[str, list[Any]], embedder_name: str) -> Callable[[], Any]:
    from knowledge.store import KnowledgeStore
    from knowledge.writer import write_rows

    store = KnowledgeStore.open(settings_in(Path(tempfile.mkdtemp())), embedder_name, write=True)
    return lambda: write_rows(store, rows, None)


def write_lexical(rows: dict[str, list[Any]]) -> Callable[[], Any]:
    from knowledge.batches import metadata_of
    from knowledge.lexical_sync import lexical_row, open_index

    index = open_index(settings_in(Path(tempfile.mkdtemp())), "bench")
    return lambda: index.add(
        lexical_row(str(rows["id"][i]), metadata_of(rows, i), str(rows["text"][i]),
                    rows["embedding"][i])
        for i in range(len(rows["id"]))
    )


def run() -> str:
    embedder = our_embedder()
    rows = rows_for(PASSAGES, embedder)
    texts = [str(t) for t in rows["embed_text"]]
    steps: dict[str, Callable[[], Callable[[], Any]]] = {
        "embed (ONNX, 2 threads)": lambda: lambda: embedder.embed(texts),
        "lexical index write (SQLite FTS5)": lambda: write_lexical(rows),
        "Chroma upsert": lambda: write_chroma(rows, embedder.name),
    }
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(ROUNDS):
        for name, make in steps.items():
            figures = held(make())
            if name not in best or figures[2] < best[name][2]:
                best[name] = figures
    walls = {name: wall for name, (wall, _, _) in best.items()}
    best["baseline: the main thread sleeps"] = held(lambda: time.sleep(max(walls.values())))
    return render(best)


def render(best: dict[str, tuple[float, float, float]]) -> str:
    lines = [
        "## Ingestion: which steps hold the interpreter lock",
        "",
        __doc__.split("\n\n", 1)[1].strip().replace("``", "`"),
        "",
        "| step | wall | longest wait of the ticker | ticker held up | share of the step |",
        "|---|---|---|---|---|",
    ]
    for name, (wall, longest, late) in best.items():
        lines.append(f"| {name} | {wall * 1000:.0f} ms | {longest * 1000:.1f} ms | "
                     f"{late * 1000:.0f} ms | {100 * late / wall:.0f} % |")
    return "\n".join(lines)
