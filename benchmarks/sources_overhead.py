"""What a background sync costs the people asking questions meanwhile: knowledge-base search
latency (the retrieval step of every answer) while a web source syncs, vs idle, side by side
in one process.

The GNU m4 manual (Debian ``m4-doc``) is served on loopback. The collection first holds the
manual ingested from disk, so searches have something to find; then the same questions are
asked in rounds that alternate idle and during a first sync of the site. The sync runs
twice: as a serving process's scheduler runs it (embedding on one core, leaving the others
to answer) and as ``bot sources sync`` runs it (all cores). Reported: median and
90th-percentile latency and their ratios to idle (the issue's goal is <= 1.2x for answers;
search is the part of an answer a sync competes with on a machine without a GPU).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.kb_common import our_embedder, settings_in
from benchmarks.sources_sync import pages

QUESTIONS = ["how do I quote a macro argument", "divert output to a buffer",
             "what does changequote do", "define a recursive macro", "include another file",
             "evaluate arithmetic", "remove a macro definition", "debug macro expansion"]


def latencies(searcher: Any, stop: threading.Event | None = None,
              rounds: int = 3) -> list[float]:
    out: list[float] = []
    for _ in range(rounds):
        for question in QUESTIONS:
            if stop is not None and stop.is_set():
                return out
            started = time.perf_counter()
            searcher.search(question)
            out.append(time.perf_counter() - started)
    return out


def sync_in_background(base: str, data_dir: Path, done: threading.Event,
                       background: bool) -> threading.Thread:
    """A first sync of the site, run as a serving process's scheduler runs it
    (``background``: embedding on one core) or as ``bot sources sync`` does (all cores)."""
    from config.sources import SourceSettings
    from sources.runner import SourceRunner
    from sources.scheduler import lower_priority
    from stores import open_store

    source = SourceSettings.model_validate(
        {"kind": "web", "start_urls": [f"{base}/index.html"], "rate_per_s": 50})
    settings = settings_in(data_dir).model_copy(update={"sources": {"site": source}})

    def work() -> None:
        if background:
            lower_priority()  # as the scheduler's thread does
        store = open_store(None, data_dir)
        try:
            SourceRunner(settings, store, background=background).sync_one("site", source)
        finally:
            store.close()
            done.set()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def run() -> str:
    from knowledge.ingest import ingest
    from knowledge.search import Searcher
    from tests.sources.site import serve

    embedder = our_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        site.mkdir()
        for page in pages():
            shutil.copy2(page, site / page.name)
        data = root / "data"
        ingest(settings_in(data), [site], embedder=embedder, progress=False)
        searcher = Searcher(settings_in(data), embedder=embedder)
        latencies(searcher, rounds=1)  # warm: model, store and lexical index opened
        idle = latencies(searcher)
        busy: dict[bool, list[float]] = {}
        with serve(site) as (base, _):
            for background in (True, False):
                busy[background] = during_sync(searcher, base, root / f"data-{background}",
                                               background)
                idle += latencies(searcher)
    return render(idle, busy)


def during_sync(searcher: Any, base: str, data: Path, background: bool) -> list[float]:
    """Search latencies while a sync runs (into its own data dir: one writer per Chroma)."""
    done = threading.Event()
    worker = sync_in_background(base, data, done, background)
    out: list[float] = []
    while not done.is_set():
        out += latencies(searcher, done, rounds=1)
    worker.join()
    return out


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def render(idle: list[float], busy: dict[bool, list[float]]) -> str:
    med_i, p90_i = statistics.median(idle), _p90(idle)
    rows = [f"| idle | {len(idle)} | {med_i * 1000:.1f} | {p90_i * 1000:.1f} | 1.00 | 1.00 |"]
    for background, label in ((True, "scheduled sync (one core)"),
                              (False, "`bot sources sync` (all cores)")):
        got = busy[background]
        med, p90 = statistics.median(got), _p90(got)
        rows.append(f"| during a {label} | {len(got)} | {med * 1000:.1f} | {p90 * 1000:.1f} "
                    f"| {med / med_i:.2f} | {p90 / p90_i:.2f} |")
    return "\n".join([
        "## sources_overhead", "",
        "Knowledge-base search latency (the retrieval step of every answer) while a web "
        "source's first sync runs in the same process, vs idle (idle rounds before, between "
        "and after).", "",
        "| | searches | median ms | p90 ms | median vs idle | p90 vs idle |",
        "|---|---|---|---|---|---|", *rows,
    ])


if __name__ == "__main__":
    print(run())
