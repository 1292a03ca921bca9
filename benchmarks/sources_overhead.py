"""What a background sync costs the people asking questions meanwhile, through a running
server: `bot serve gradio` answering over Gradio's HTTP API while its own scheduler runs a
first sync of a large web source, vs the same server idle, side by side in one run.

The server is `bot serve gradio` in its own process (as `benchmarks/gradio_latency.py`
starts it) with the tools agent, the `search_knowledge` tool and a scripted model: each
answer is a real knowledge-base search (the model asks for it) and a one-line reply, so
what a sync can slow down is everything the server does for an answer except the model's
own latency. The knowledge base starts with a few pages of the PostgreSQL manual ingested
from disk; the first ``SOURCES_BENCH_PAGES`` pages (default 300) a crawl of the manual
reaches are served on loopback (child process) as ``[sources.site]``, on the schedule
``every 1h``. A run recorded in the store holds the first sync back until the idle rounds
are done, then makes it due: the server's scheduler syncs it as every serving process does
(its own embedder on one core, lower CPU priority). Questions are asked back to back the
whole time; each is counted idle (before the sync started or after it ended) or busy (asked
and answered while it ran), by the run the store recorded. Goal (issue 19): busy <= 1.2x
idle, median and p90.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from backends.scripted import Reply, ScriptedToolCall
from benchmarks.gradio_sse import ask as ask_sse
from benchmarks.kb_common import our_embedder, settings_in
from benchmarks.sources_sync import reachable

PG = Path("/usr/share/doc/postgresql-doc-15/html")
M4 = Path("/usr/share/doc/m4")
ROOT = Path(__file__).resolve().parent.parent
SEED_PAGES = 40  # ingested from disk before the server starts: something to find
IDLE_QUESTIONS = 40  # before the sync, and again after it
HOUR = 3600.0
QUESTIONS = [
    "How much memory can one sort or hash operation use before it spills?",
    "What does work_mem control?",
    "How big should shared_buffers be on a dedicated database server?",
    "How do I back up a single database into one archive file?",
    "How do I restore a dump made in the custom archive format?",
    "Which setting limits how many clients can be connected at the same time?",
    "What TCP port does the server listen on?",
    "How do I get back the disk space taken by deleted rows?",
]


def kb_answer(request: Any) -> Reply:
    """The server's scripted model: search the knowledge base, then answer in one line."""
    if request.messages[-1].role == "tool":
        return Reply(text="It is in the manual [1].", chunk_chars=50)
    question = request.messages[-1].content
    return Reply(
        tool_calls=[ScriptedToolCall(name="search_knowledge", arguments={"query": question})]
    )


CONFIG = """tools = ["search_knowledge"]
agent = "tools"
[roles]
primary = "bench"
[profiles.bench]
kind = "function"
function = "benchmarks.sources_overhead:kb_answer"
[sources.site]
kind = "web"
start_urls = ["{base}/index.html"]
rate_per_s = 1000
max_pages = 5000
schedule = "every 1h"
"""


def site_pages() -> list[Path]:
    folder = PG if (PG / "index.html").is_file() else M4
    if not (folder / "index.html").is_file():
        raise SystemExit("no HTML to serve. Fix: make bench-corpus (postgresql-doc-15)")
    return reachable(folder / "index.html", int(os.environ.get("SOURCES_BENCH_PAGES") or 300))


def hold_back(data_dir: Path, due_in_s: float) -> None:
    """Record a run of ``site`` so that ``every 1h`` makes it due in ``due_in_s``."""
    from sources.report import SyncReport, record_run
    from stores import open_store

    store = open_store(None, data_dir)
    try:
        record_run(store, SyncReport("site", started_at=time.time() - HOUR + due_in_s))
    finally:
        store.close()


def the_sync(data_dir: Path, after: float) -> Any:
    """The first real run of ``site`` (started after ``after``), once recorded; else None."""
    from sources.report import last_run
    from stores import open_store

    store = open_store(None, data_dir)
    try:
        run = last_run(store, "site")
    finally:
        store.close()
    return run if run is not None and run.started_at > after else None


def ask(http: httpx.Client, url: str, question: str) -> tuple[float, float]:
    """One answer over the HTTP API, its events read as they arrive (not ``gradio_client``,
    whose 50 ms polling would lengthen each answer: benchmarks/gradio_sse.py)."""
    started = time.time()
    ask_sse(http, url, "chat", [question, [], None])
    return started, time.time()


@contextmanager
def _server(command: list[str], log: Path) -> Iterator[str]:
    """``bot serve gradio`` in its own process (as benchmarks/gradio_latency.py starts it);
    its log in ``log``; killed if Ctrl-C has not stopped it within a minute."""
    from benchmarks.gradio_latency import _port, _up

    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 300
            while not _up(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"bot serve gradio did not start (see {log})")
                time.sleep(0.5)
            yield url
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


VARIANTS = [  # the GIL switch interval while a background sync runs (None: the scheduler's)
    ("Python's default, 5 ms (before)", 0.005),
    ("0.5 ms, as the scheduler now sets it", None),
]
SERVE = (
    "import sys, sources.runner as r; r.BACKGROUND_SWITCH_S = float(sys.argv.pop(1)); "
    "from apps.cli.main import main; sys.exit(main(sys.argv[1:]))"
)


def run() -> str:
    from knowledge.ingest import ingest

    chosen = site_pages()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages, seed = root / "site", root / "seed"
        pages.mkdir()
        seed.mkdir()
        for page in chosen:
            shutil.copy2(page, pages / page.name)
        for page in chosen[-SEED_PAGES:]:
            shutil.copy2(page, seed / page.name)
        ingest(settings_in(root / "seeded"), [seed], embedder=our_embedder(), progress=False)
        order = VARIANTS[::-1] if os.environ.get("SOURCES_BENCH_REVERSE") else VARIANTS
        for n, (label, switch_s) in enumerate(order):
            data = root / f"data-{n}"
            shutil.copytree(root / "seeded", data)
            asked, synced = one_server(root, pages, data, switch_s)
            rows.append((label, asked, synced))
    return render(len(chosen), rows)


def one_server(root: Path, pages: Path, data: Path, switch_s: float | None) -> Any:
    """Idle questions, then questions during the first sync, then idle again."""
    from benchmarks.site_server import site
    from sources.runner import BACKGROUND_SWITCH_S

    hold_back(data, due_in_s=HOUR)  # not yet
    with site(pages) as base:
        config = root / "bench.toml"
        config.write_text(CONFIG.replace("{base}", base))
        command = [
            sys.executable,
            "-c",
            SERVE,
            str(switch_s or BACKGROUND_SWITCH_S),
            "--config",
            str(config),
            "--data-dir",
            str(data),
            "serve",
            "gradio",
        ]
        log = Path(os.environ.get("SOURCES_BENCH_LOG") or os.devnull)
        with _server(command, log) as url, httpx.Client(timeout=300.0) as http:
            for question in QUESTIONS:  # warm: model, store, lexical index
                ask(http, url, question)
            asked = [ask(http, url, QUESTIONS[n % len(QUESTIONS)]) for n in range(IDLE_QUESTIONS)]
            released = time.time()
            hold_back(data, due_in_s=0)  # due now: the scheduler's next tick starts it
            n, synced = 0, None
            while synced is None:
                asked.append(ask(http, url, QUESTIONS[n % len(QUESTIONS)]))
                n += 1
                synced = the_sync(data, released - HOUR + 1)
            asked += [ask(http, url, QUESTIONS[k % len(QUESTIONS)]) for k in range(IDLE_QUESTIONS)]
    return asked, synced


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def render(pages_n: int, rows: list[tuple[str, Any, Any]]) -> str:
    lines = []
    for label, asked, synced in rows:
        start, end = synced.started_at, synced.started_at + synced.duration_s
        busy = [b - a for a, b in asked if a >= start and b <= end]
        idle = [b - a for a, b in asked if b < start or a > end]
        med_i, p90_i = statistics.median(idle), _p90(idle)
        med_b, p90_b = statistics.median(busy), _p90(busy)
        lines += [
            f"| {label} | idle | {len(idle)} | {med_i * 1000:.0f} | {p90_i * 1000:.0f} "
            "| 1.00 | 1.00 | |",
            f"| {label} | syncing | {len(busy)} | {med_b * 1000:.0f} | {p90_b * 1000:.0f} | "
            f"**{med_b / med_i:.2f}** | **{p90_b / p90_i:.2f}** | {synced.embedded} passages "
            f"in {synced.duration_s:.0f} s |",
        ]
    return "\n".join(
        [
            "## Sync overhead on a running Gradio server",
            "",
            "`bot serve gradio` (its own process; tools agent, scripted model, every answer one "
            "knowledge-base search) answering questions back to back over Gradio's HTTP API "
            "(events read as they arrive, not through `gradio_client`'s 50 ms polling), while its "
            f"scheduler runs the first sync of a {pages_n}-page web site (the PostgreSQL manual "
            "served on loopback, on one core at lower priority) vs the same server idle (before "
            "the sync and after it). Per answer, wall time as the client sees it. Two servers one "
            "after the other in the order of the table, each from the same seeded knowledge base: "
            "the GIL switch interval "
            "during the sync as Python leaves it, and as the scheduler now sets it.",
            "",
            "| GIL switch interval during the sync | server | answers | median ms | p90 ms | "
            "median vs idle | p90 vs idle | the sync |",
            "|---|---|---|---|---|---|---|---|",
            *lines,
            "",
            "Goal: ≤ 1.2× (issue 19). The answers asked while the sync started or ended are in "
            "neither row.",
        ]
    )


if __name__ == "__main__":
    print(run())
