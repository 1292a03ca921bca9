"""Syncing a web site vs ``bot ingest`` of the same files, then the syncs that follow.

A real documentation tree is served by http.server on loopback and synced by the ``web``
source; the same files on disk are ingested by ``bot ingest`` (the knowledge base's own
path), each into its own data dir with the same embedding model, the two taking turns
(who goes first alternates) so a change of load on the shared machine hits both alike.
Then, on the synced site: a second sync with nothing changed (goal: 0 passages embedded,
time <= 5 % of the first), and one page edited (goal: only its passages embedded, and
searchable right after the sync).

Small by default: the GNU m4 manual (Debian ``m4-doc``, 105 pages). ``SOURCES_BENCH_CORPUS=pg``
uses the PostgreSQL manual (``postgresql-doc-15``, 1,169 pages) and ``SOURCES_BENCH_PAGES=N``
takes its first N pages (the issue's 1,000-page site): minutes of embedding on 2 cores.
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
RATE = 50.0  # requests/s: loopback; the network path must not be what is measured
ROUNDS = 2


def pages() -> list[Path]:
    folder = PG if os.environ.get("SOURCES_BENCH_CORPUS") == "pg" else M4
    found = sorted(folder.glob("*.html"))
    if not found:
        raise SystemExit(f"no HTML under {folder}. Fix: apt-get install "
                         f"{'postgresql-doc-15' if folder == PG else 'm4-doc'}")
    limit = int(os.environ.get("SOURCES_BENCH_PAGES") or 0)
    index = [p for p in found if p.name == "index.html"]
    return (index + [p for p in found if p.name != "index.html"])[: limit or None]


def ingest_once(site: Path, data_dir: Path, embedder: Any) -> tuple[float, int]:
    from knowledge.ingest import ingest

    started = time.perf_counter()
    report = ingest(settings_in(data_dir), [site], embedder=embedder, progress=False)
    return time.perf_counter() - started, report.embedded


def sync_once(base: str, data_dir: Path, embedder: Any, entry: str) -> tuple[float, Any]:
    from config.sources import SourceSettings
    from sources.kinds import build_connector
    from sources.sync import SourceSync
    from stores import open_store

    source = SourceSettings.model_validate({
        "kind": "web", "start_urls": [f"{base}/{entry}"], "rate_per_s": RATE,
        "max_pages": 5000})
    settings = settings_in(data_dir).model_copy(update={"sources": {"site": source}})
    store = open_store(None, data_dir)
    try:
        started = time.perf_counter()
        report = SourceSync(settings, "site", source, build_connector("site", source), store,
                            embedder=embedder).run()
        return time.perf_counter() - started, report
    finally:
        store.close()


def run() -> str:
    from tests.sources.site import serve

    embedder = our_embedder()
    chosen = pages()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        site.mkdir()
        for page in chosen:
            shutil.copy2(page, site / page.name)
        entry = "index.html"
        with serve(site) as (base, _):
            ingest_s, sync_s, chunks, synced = [], [], 0, None
            for n in range(ROUNDS):
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
            edited = edit_one_page(site, first)
            edit_s, edit = sync_once(base, data, embedder, entry)
            found = searchable(data, embedder)
    return render(len(chosen), chunks, ingest_s, sync_s, first, again_s, again, edited, edit_s,
                  edit, found)


def edit_one_page(site: Path, first: Any) -> str:
    """Add a sentence to one page that was synced; its name."""
    name = sorted(k.rsplit("/", 1)[-1] for k in first.added if not k.endswith("index.html"))[0]
    page = site / name
    html = page.read_text("utf-8", "replace")
    marker = "<p>The quokka clause: every macro must be quoted twice on Tuesdays.</p>"
    page.write_text(html.replace("</body>", marker + "</body>", 1), "utf-8")
    return name


def searchable(data_dir: Path, embedder: Any) -> str:
    from knowledge.search import Searcher

    hits = Searcher(settings_in(data_dir), embedder=embedder).search("quokka clause Tuesdays", 1)
    return hits[0].url.rsplit("/", 1)[-1] if hits else "(not found)"


def render(pages_n: int, chunks: int, ingest_s: list[float], sync_s: list[float], first: Any,
           again_s: float, again: Any, edited: str, edit_s: float, edit: Any,
           found: str) -> str:
    ingest_t, sync_t = min(ingest_s), min(sync_s)
    return "\n".join([
        "## sources_sync", "",
        f"A {pages_n}-page documentation site served on loopback, synced by the `web` source "
        f"(at most {RATE:g} requests/s) vs `bot ingest` of the same files; best of {ROUNDS} "
        "rounds each, taking turns.", "",
        "| run | seconds | passages embedded | chunks/s | vs first sync |",
        "|---|---|---|---|---|",
        f"| `bot ingest` (files on disk) | {ingest_t:.1f} | {chunks} | {chunks / ingest_t:.1f} "
        f"| — |",
        f"| first sync (web) | {sync_t:.1f} | {first.embedded} | {first.chunks / sync_t:.1f} "
        f"| 1.00 |",
        f"| second sync, nothing changed | {again_s:.2f} | {again.embedded} | — | "
        f"{again_s / sync_t:.3f} |",
        f"| one page edited ({edited}) | {edit_s:.2f} | {edit.embedded} | — | "
        f"{edit_s / sync_t:.3f} |", "",
        f"First sync vs `bot ingest`: **{ingest_t / sync_t:.2f}× the speed in wall time**, "
        f"{(first.chunks / sync_t) / (chunks / ingest_t):.2f}× in chunks/s (goal ≥ 0.8×; the "
        "sync embeds fewer chunks because navigation is dropped). "
        f"Second sync: {again.unchanged} pages unchanged, {again.embedded} passages embedded. "
        f"After the edit, {len(edit.changed)} page changed and the new sentence's best hit "
        f"is `{found}`.",
    ])


if __name__ == "__main__":
    print(run())
