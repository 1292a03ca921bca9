"""Syncing a web site vs ``bot ingest`` of the same files, then the syncs that follow.

A real documentation tree is served by http.server on loopback (in a child process, HTTP/1.1
keep-alive: ``benchmarks/site_server.py``) and synced by the ``web`` source; the same files
on disk are ingested by ``bot ingest`` (the knowledge base's own path), each into its own
data dir with the same embedding model, the two taking turns (who goes first alternates) so
a change of load on the shared machine hits both alike. Then, on the synced site: a second
sync with nothing changed (goal: 0 passages embedded, time <= 5 % of the first), one page
edited and synced by hand (goal: only its passages embedded), and one page edited while a
serving process's scheduler runs the source ``every 30s`` (goal: searchable, through a
``Searcher`` opened before the edit, within one schedule interval plus 5 s of the edit).

By default the first 1,000 pages a crawl of the PostgreSQL 15 manual (Debian
``postgresql-doc-15``, 1,169 pages) reaches from its start page, the size a team's wiki
starts at: minutes of embedding on 2 cores. ``SOURCES_BENCH_CORPUS=m4`` uses the GNU m4
manual (``m4-doc``, 105 pages) instead, and ``SOURCES_BENCH_PAGES=N`` takes the first N
pages (0: all). ``SOURCES_BENCH_TOGETHER=1`` runs the first sync and ``bot ingest`` at the
same time (one round) instead of taking turns, for a machine too busy for turns.
``SOURCES_BENCH_ROUNDS`` (default 2) sets the rounds of the first-sync comparison.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.kb_common import our_embedder, settings_in

M4 = Path("/usr/share/doc/m4")
PG = Path("/usr/share/doc/postgresql-doc-15/html")
RATE = 1000.0  # requests/s: loopback; the network path must not be what is measured
ROUNDS = int(os.environ.get("SOURCES_BENCH_ROUNDS") or 2)
TOGETHER = os.environ.get("SOURCES_BENCH_TOGETHER") == "1"  # ingest and sync at once
EVERY = "every 30s"  # the shortest schedule
EVERY_S = 30.0


def pages() -> list[Path]:
    folder = M4 if os.environ.get("SOURCES_BENCH_CORPUS") == "m4" else PG
    if not (folder / "index.html").is_file():
        raise SystemExit(
            f"no HTML under {folder}. Fix: apt-get install "
            f"{'postgresql-doc-15' if folder == PG else 'm4-doc'}"
        )
    return reachable(folder / "index.html", int(os.environ.get("SOURCES_BENCH_PAGES", "1000")))


def reachable(start: Path, limit: int) -> list[Path]:
    """The first ``limit`` pages a crawl from ``start`` reaches (breadth first), so the
    site served is all of one piece, not pages no link leads to."""
    from collections import deque
    from urllib.parse import urlsplit

    from sources import web_text

    order: list[Path] = []
    queue, seen = deque([start.name]), {start.name}
    while queue and (not limit or len(order) < limit):
        page = start.parent / queue.popleft()
        if not page.is_file():
            continue
        order.append(page)
        root = web_text.parse(page.read_bytes())
        for url in web_text.links(root, f"http://site/{page.name}"):
            name = urlsplit(url).path.lstrip("/")
            if urlsplit(url).netloc == "site" and name.endswith(".html") and name not in seen:
                seen.add(name)
                queue.append(name)
    return order


def ingest_once(site: Path, data_dir: Path, embedder: Any) -> tuple[float, int]:
    from knowledge.ingest import ingest

    started = time.perf_counter()
    report = ingest(settings_in(data_dir), [site], embedder=embedder, progress=False)
    return time.perf_counter() - started, report.embedded


def site_settings(base: str, data_dir: Path, entry: str, **extra: Any) -> tuple[Any, Any]:
    from config.sources import SourceSettings

    source = SourceSettings.model_validate(
        {
            "kind": "web",
            "start_urls": [f"{base}/{entry}"],
            "rate_per_s": RATE,
            "max_pages": 5000,
            **extra,
        }
    )
    return settings_in(data_dir).model_copy(update={"sources": {"site": source}}), source


def sync_once(base: str, data_dir: Path, embedder: Any, entry: str) -> tuple[float, Any]:
    from sources.kinds import build_connector
    from sources.sync import SourceSync
    from stores import open_store

    settings, source = site_settings(base, data_dir, entry)
    store = open_store(None, data_dir)
    try:
        started = time.perf_counter()
        report = SourceSync(
            settings, "site", source, build_connector("site", source), store, embedder=embedder
        ).run()
        return time.perf_counter() - started, report
    finally:
        store.close()


def _timed_child(which: str, site: Path, base: str, data: Path, entry: str) -> Any:
    """One side, in a child process with its own embedder (built before the clock starts)."""
    embedder = our_embedder()
    if which == "ingest":
        return ingest_once(site, data, embedder)
    return sync_once(base, data, embedder, entry)


def side_by_side(site: Path, base: str, root: Path, entry: str) -> tuple[Any, Any]:
    """``bot ingest`` and the first sync at the same time, each in its own process: on a
    shared machine whose load changes by the minute, both then run under the same load."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        ingested = pool.submit(_timed_child, "ingest", site, base, root / "ingest-0", entry)
        synced = pool.submit(_timed_child, "sync", site, base, root / "sync-0", entry)
        return ingested.result(), synced.result()


def run() -> str:
    from benchmarks.site_server import site as serve

    embedder = our_embedder()
    chosen = pages()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        site.mkdir()
        for page in chosen:
            shutil.copy2(page, site / page.name)
        entry = "index.html"
        with serve(site) as base:
            ingest_s, sync_s, chunks, synced = [], [], 0, None
            if TOGETHER:
                (seconds, chunks), (sync_t, report) = side_by_side(site, base, root, entry)
                ingest_s.append(seconds)
                sync_s.append(sync_t)
                synced = (root / "sync-0", report)
            for n in range(0 if TOGETHER else ROUNDS):
                order = ("ingest", "sync") if n % 2 == 0 else ("sync", "ingest")
                for which in order:
                    data = root / f"{which}-{n}"
                    if which == "ingest":
                        seconds, chunks = ingest_once(site, data, embedder)
                        ingest_s.append(seconds)
                    else:
                        seconds, report = sync_once(base, data, embedder, entry)
                        sync_s.append(seconds)
                        synced = (data, report)
            assert synced is not None
            data, first = synced
            again_s, again = sync_once(base, data, embedder, entry)
            edited = edit_one_page(site, first, QUOKKA)
            edit_s, edit = sync_once(base, data, embedder, entry)
            found = searchable(data, embedder)
            live = edit_while_scheduled(base, data, embedder, entry, site, first)
    return render(
        len(chosen),
        chunks,
        ingest_s,
        sync_s,
        first,
        again_s,
        again,
        edited,
        edit_s,
        edit,
        found,
        live,
    )


QUOKKA = "The quokka clause: every macro must be quoted twice on Tuesdays."
WOMBAT = "The wombat rule: a vacuum runs only under a waning gibbous moon."


def edit_one_page(site: Path, first: Any, sentence: str, nth: int = 0) -> str:
    """Add a sentence to one page that was synced; its name."""
    name = sorted(k.rsplit("/", 1)[-1] for k in first.added if not k.endswith("index.html"))[nth]
    page = site / name
    html = page.read_text("utf-8", "replace")
    page.write_text(html.replace("</body>", f"<p>{sentence}</p></body>", 1), "utf-8")
    return name


def edit_while_scheduled(
    base: str, data_dir: Path, embedder: Any, entry: str, site: Path, first: Any
) -> dict[str, Any]:
    """A serving process's scheduler (its own embedder on one core, lower priority) runs the
    source ``every 30s``; right after one of its runs ends (the worst moment) a page is
    edited; how long until a ``Searcher`` opened beforehand finds the new sentence."""
    from knowledge.search import Searcher
    from sources.report import last_run
    from sources.runner import SourceRunner
    from sources.scheduler import SourceScheduler
    from stores import open_store

    settings, _ = site_settings(base, data_dir, entry, schedule=EVERY)
    searcher = Searcher(settings_in(data_dir), embedder=embedder)
    searcher.search("warm up", 1)
    store, watch = open_store(None, data_dir), open_store(None, data_dir)
    scheduler = SourceScheduler(settings, SourceRunner(settings, store, background=True))
    try:
        before = last_run(watch, "site")
        scheduler.start()
        ran = wait_for_run(watch, before.started_at if before else 0.0)
        edited_at = time.time()
        name = edit_one_page(site, first, WOMBAT, nth=1)
        while not any("wombat rule" in p.text for p in searcher.search(WOMBAT, 4)):
            if time.time() - edited_at > 10 * EVERY_S:
                raise RuntimeError("the edited page never became searchable")
            time.sleep(0.1)
        latency = time.time() - edited_at
        after = wait_for_run(watch, ran.started_at)
    finally:
        scheduler.stop(120)
        store.close()
        watch.close()
    return {
        "page": name,
        "latency": latency,
        "run_s": after.duration_s,
        "embedded": after.embedded,
        "changed": after.changed,
        "due_in": after.started_at - edited_at,
    }


def wait_for_run(store: Any, since: float) -> Any:
    """The source's first run record started after ``since``."""
    from sources.report import last_run

    deadline = time.time() + 600
    while time.time() < deadline:
        run = last_run(store, "site")
        if run is not None and run.started_at > since:
            return run
        time.sleep(0.1)
    raise RuntimeError("the scheduler never ran the source")


def searchable(data_dir: Path, embedder: Any) -> str:
    from knowledge.search import Searcher

    hits = Searcher(settings_in(data_dir), embedder=embedder).search(QUOKKA, 4)
    ranks = [n for n, hit in enumerate(hits, 1) if "quokka clause" in hit.text]
    where = f"rank {ranks[0]} of 4" if ranks else "not in the top 4"
    return f"{hits[0].url.rsplit('/', 1)[-1] if hits else '(none)'}; the edited passage: {where}"


def render(
    pages_n: int,
    chunks: int,
    ingest_s: list[float],
    sync_s: list[float],
    first: Any,
    again_s: float,
    again: Any,
    edited: str,
    edit_s: float,
    edit: Any,
    found: str,
    live: dict[str, Any],
) -> str:
    ingest_t, sync_t = min(ingest_s), min(sync_s)
    rounds = f"best of {ROUNDS} rounds each, taking turns" if ROUNDS > 1 else "one run each"
    if TOGETHER:
        rounds = (
            "one run each, both at the same time in two processes (so the shared "
            "machine's changing load hits both alike; each also slows the other)"
        )
    return "\n".join(
        [
            "## sources_sync",
            "",
            f"A {pages_n}-page documentation site served on loopback, synced by the `web` source "
            f"(at most {RATE:g} requests/s) vs `bot ingest` of the same files; {rounds}. "
            "All runs embed on this process's default threads.",
            "",
            "| run | seconds | passages embedded | chunks/s | vs first sync |",
            "|---|---|---|---|---|",
            f"| `bot ingest` (files on disk) | {ingest_t:.1f} | {chunks} | {chunks / ingest_t:.1f} "
            f"| — |",
            f"| first sync (web) | {sync_t:.1f} | {first.embedded} | {first.chunks / sync_t:.1f} "
            f"| 1.00 |",
            f"| second sync, nothing changed | {again_s:.2f} | {again.embedded} | — | "
            f"{again_s / sync_t:.3f} |",
            f"| one page edited ({edited}) | {edit_s:.2f} | {edit.embedded} | — | "
            f"{edit_s / sync_t:.3f} |",
            "",
            f"First sync vs `bot ingest`: **{ingest_t / sync_t:.2f}× the speed in wall time**, "
            f"{(first.chunks / sync_t) / (chunks / ingest_t):.2f}× in chunks/s (goal ≥ 0.8×; the "
            "sync embeds fewer chunks because navigation is dropped). "
            f"Second sync: {again.unchanged} pages unchanged, {again.embedded} passages embedded. "
            f"After the edit, {len(edit.changed)} page changed and the new sentence's best hit "
            f"is `{found}`.",
            "",
            f"Edited while a scheduler ran the source `{EVERY}` (a serving process's: own "
            f"embedder on one core, lower priority), right after one of its runs: "
            f"`{live['page']}` was **searchable {live['latency']:.1f} s after the edit** (goal "
            f"≤ {EVERY_S:g} s + 5 s): the next run started {live['due_in']:.1f} s after the edit "
            f"and took {live['run_s']:.2f} s, {live['changed']} page changed, "
            f"{live['embedded']} passages embedded.",
        ]
    )


if __name__ == "__main__":
    print(run())
