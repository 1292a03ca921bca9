"""Retrieval quality at full scale: the whole PostgreSQL manual, every configuration.

Ingests all 1,169 pages of the PostgreSQL 15 manual (``make bench-corpus``) with ``bot
ingest``'s own code into a data dir kept between runs (``BOT_BENCH_DATA``, default
``~/.cache/bot-bench``; a rerun over unchanged pages embeds nothing), then runs ``bot eval
retrieval`` on ``benchmarks/data/postgresql15_questions.json``: dense, lexical, hybrid,
hybrid without the identifier boost, and hybrid+rerank when ``BOT_BENCH_RERANK_MODEL``
names a cross-encoder folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.kb_common import settings_in
from benchmarks.pg_corpus import HTML, QUESTIONS, require

COLLECTION = "pg15"


def data_dir() -> Path:
    return Path(os.environ.get("BOT_BENCH_DATA", Path.home() / ".cache" / "bot-bench"))


def run() -> str:
    from apps.eval.retrieval import run_retrieval_eval
    from apps.eval.retrieval_data import load_questions
    from apps.eval.retrieval_report import render_markdown
    from knowledge.ingest import ingest

    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    pages = require()
    settings = settings_in(data_dir())
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    report = ingest(settings, [HTML], collection=COLLECTION, progress=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    chunks = sum(n for _, n in report.ingested)
    evaluated = run_retrieval_eval(settings, load_questions(QUESTIONS), data_name=QUESTIONS.name,
                                   collection=COLLECTION,
                                   rerank_model=os.environ.get("BOT_BENCH_RERANK_MODEL"))
    ingest_line = (
        f"This run ingested {len(report.ingested)} pages ({chunks} chunks, {report.embedded} "
        f"embedded) in {wall:.0f} s wall, {cpu:.0f} s CPU ({report.embedded / wall:.1f} "
        f"chunks/s; load average {load:.1f} on 2 shared cores)."
        if report.embedded else
        f"The collection was already complete ({len(report.unchanged)} pages unchanged, "
        f"checked in {wall:.0f} s)."
    )
    body = render_markdown(evaluated).split("\n", 3)[3]  # drop the title lines
    return "\n".join([
        "## Knowledge base: retrieval quality on the full PostgreSQL manual",
        "",
        f"{len(pages)} HTML pages of the PostgreSQL 15 manual (Debian `postgresql-doc-15`), "
        f"{len(load_questions(QUESTIONS).questions)} questions written from its pages "
        f"(`benchmarks/data/{QUESTIONS.name}`), each with the page(s) that answer it; a hit "
        "is a passage from an answering page in the top 4 the search tool returns. "
        + ingest_line,
        "",
        body,
    ])
