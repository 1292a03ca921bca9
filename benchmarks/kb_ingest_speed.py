"""Ingestion end to end, the pipeline as it was before this round and as it is now, side by
side on whole manuals; the embedder-alone floor; and where the rest of the time goes.

1. **End to end**: ``ingest`` of the whole PostgreSQL 15 manual and of the Python 3.11
   documentation's HTML pages, each into a fresh embedded Chroma with the lexical index
   (``kb.retrieval = "hybrid"``, the default). The pipeline as it was is commit ``BASE``
   (extracted from git into a temporary folder); both run as child processes
   (:mod:`benchmarks.ingest_child`), so each pays its own start-up as a user's
   ``bot ingest`` would. The pages are dealt into slices and the two take turns slice by
   slice (who goes first alternates), so a change of load on the shared machine hits both
   alike. Wall and CPU seconds (the children's user + system time) are both reported.
2. **Same chunks, same quality**: the chunk counts of the two collections, and the
   retrieval eval on the PostgreSQL questions against each.
3. **The floor**: the embedder alone on passages of the manual
   (:mod:`benchmarks.embed_floor`), the best setting; and the pipeline's CPU per passage
   split by stage (parse, chunk, tokenise, ONNX, Chroma, lexical index).

``KB_INGEST_EVERY=n`` ingests every n-th page only (a quicker, partial run; the section says so).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from benchmarks.kb_common import ROOT, settings_in
from benchmarks.pg_corpus import HTML as PG_HTML
from benchmarks.pg_corpus import QUESTIONS, subset

log = structlog.get_logger("benchmarks.kb_ingest_speed")
BASE = "7e19ba44e64cf213ddaff362e7451b556a76ba89"  # main before this round's ingestion work
PY_HTML = Path("/usr/share/doc/python3.11/html")  # Debian's python3.11-doc
CORPORA = {"PostgreSQL 15 manual": PG_HTML, "Python 3.11 docs (HTML pages)": PY_HTML}
SLICES = 4
CHILD = Path(__file__).resolve().parent / "ingest_child.py"


@dataclass
class Timed:
    wall: float = 0.0
    cpu: float = 0.0
    chunks: int = 0

    def __add__(self, other: Timed) -> Timed:
        return Timed(self.wall + other.wall, self.cpu + other.cpu, self.chunks + other.chunks)


def every() -> int:
    return max(1, int(os.environ.get("KB_INGEST_EVERY", "1")))


def pages_of(folder: Path) -> list[Path]:
    """The HTML pages a user's ingest of the manual reads (not the ``_sources`` copies)."""
    return sorted(p for p in folder.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(folder).parts[:-1]))


def deal(folder: Path, dest: Path) -> tuple[int, list[Path]]:
    """Every ``every()``-th page of ``folder`` dealt round-robin into slices (paths kept)."""
    chosen = pages_of(folder)[:: every()]
    slices = [dest / f"slice{i}" for i in range(SLICES)]
    for n, page in enumerate(chosen):
        target = slices[n % SLICES] / page.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page, target)
    return len(chosen), slices


def base_tree(dest: Path) -> Path:
    """The project at ``BASE``, extracted from git (no checkout is touched)."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASE], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def child(tree: Path, data_dir: Path, folder: Path) -> Timed:
    """One ingest in a child process with ``tree`` on the path: wall, CPU and passages."""
    import json

    env = {**os.environ, "PYTHONPATH": str(tree), "ANONYMIZED_TELEMETRY": "False"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run([sys.executable, str(CHILD), str(data_dir), str(folder)], env=env,
                          cwd=tree, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - wall
    if done.returncode != 0:
        raise RuntimeError(f"ingest in {tree} failed: {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, json.loads(done.stdout.strip().splitlines()[-1])["embedded"])


def warm(tree: Path, data_dir: Path, root: Path) -> None:
    """Build (and cache) the int8 model in ``data_dir`` before anything is timed."""
    page = root / f"warm-{data_dir.name}" / "warm-up.html"
    page.parent.mkdir(parents=True)
    page.write_text("<title>warm-up</title><p>Nothing to see here.</p>")
    child(tree, data_dir, page.parent)


def side_by_side(name: str, folder: Path, root: Path, trees: dict[str, Path],
                 load: list[float]) -> dict[str, Any]:
    """Both pipelines over the same slices of ``folder``, taking turns."""
    pages, slices = deal(folder, root / "slices")
    totals = {who: Timed() for who in trees}
    for n, part in enumerate(slices):
        order = list(trees) if n % 2 == 0 else list(reversed(trees))
        for who in order:
            totals[who] = totals[who] + child(trees[who], root / who, part)
        load.append(os.getloadavg()[0])
        log.info("slice", corpus=name, slice=n, **{w: vars(t) for w, t in totals.items()})
    return {"pages": pages, **totals}


def eval_scores(data_dir: Path, embedder: Any) -> dict[str, tuple[float, float, int]]:
    from apps.eval.retrieval import run_retrieval_eval
    from apps.eval.retrieval_data import load_questions

    report = run_retrieval_eval(settings_in(data_dir), load_questions(QUESTIONS),
                                data_name="manual", collection="docs", embedder=embedder)
    scored = report.questions - len(report.missing_sources)
    return {c.config.name: (c.mean("hit"), c.mean("mrr"), scored)
            for c in report.configs if not c.config.note}


def run() -> str:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from benchmarks.kb_ingest_render import render
    from benchmarks.kb_ingest_stages import floor_and_stages

    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        trees = {"before": base_tree(root / "base"), "now": ROOT}
        results, quality = {}, {}
        for n, (name, folder) in enumerate(CORPORA.items()):
            work = root / f"corpus{n}"
            for who, tree in trees.items():
                warm(tree, work / who, work)
            results[name] = side_by_side(name, folder, work, trees, load)
        from knowledge.embedder import build_embedder

        pg = root / "corpus0"
        embedder = build_embedder(settings_in(pg / "now"))
        quality = {who: eval_scores(pg / who, embedder) for who in trees}
        floor, stages = floor_and_stages(subset(root / "sample", 40), root / "floor")
        load.append(os.getloadavg()[0])
    return render(results, quality, floor, stages, load, every())
