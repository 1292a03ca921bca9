"""Retrieval quality on a manual no setting was tuned on: the Git manual (``git-doc``).

The PostgreSQL manual (``kb_hybrid_eval``) is where ``max_per_source`` and the fusion
weights were chosen; this is the held-out check that they generalize. Ingests the 242 HTML
pages (``python -m benchmarks.git_corpus install``) with ``bot ingest``'s own code into the
data dir kept between runs (``BOT_BENCH_DATA``, default ``~/.cache/bot-bench``; a rerun over
unchanged pages embeds nothing), then runs ``bot eval retrieval`` on
``benchmarks/data/gitdoc_questions.json``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.git_corpus import QUESTIONS, html_copy, require
from benchmarks.kb_common import settings_in

COLLECTION = "gitdoc"


def data_dir() -> Path:
    return Path(os.environ.get("BOT_BENCH_DATA", Path.home() / ".cache" / "bot-bench"))


def corpus_dir() -> Path:
    """Where the HTML pages are copied (the path is part of each chunk's source)."""
    return Path(os.environ.get("BOT_BENCH_GIT_HTML", data_dir() / "gitdoc"))


def run() -> str:
    from apps.eval.retrieval import run_retrieval_eval
    from apps.eval.retrieval_data import load_questions
    from apps.eval.retrieval_report import render_markdown
    from knowledge.ingest import ingest

    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    pages = require()
    settings = settings_in(data_dir())
    wall = time.perf_counter()
    report = ingest(settings, [html_copy(corpus_dir())], collection=COLLECTION, progress=False)
    wall = time.perf_counter() - wall
    questions = load_questions(QUESTIONS)
    evaluated = run_retrieval_eval(settings, questions, data_name=QUESTIONS.name,
                                   collection=COLLECTION,
                                   rerank_model=os.environ.get("BOT_BENCH_RERANK_MODEL"))
    chunks = sum(n for _, n in report.ingested)
    ingest_line = (
        f"This run ingested {len(report.ingested)} pages ({chunks} chunks) in {wall:.0f} s."
        if report.embedded else
        f"The collection was already complete ({len(report.unchanged)} pages unchanged).")
    body = render_markdown(evaluated).split("\n", 3)[3]  # drop the title lines
    return "\n".join([
        "## Knowledge base: retrieval quality on a held-out manual (Git)",
        "",
        f"{len(pages)} HTML pages of the Git manual (Debian `git-doc`: reference pages, "
        "tutorials beside them, howto/ and technical/), "
        f"{len(questions.questions)} questions written from its pages "
        f"(`benchmarks/data/{QUESTIONS.name}`), each with the page(s) that answer it. No "
        "setting was chosen on it (the PostgreSQL manual is the tuning corpus). "
        + ingest_line,
        "",
        body,
    ])
