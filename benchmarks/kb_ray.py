"""``bot ingest --ray`` vs ``bot ingest`` on the same corpus, each into a fresh collection.

Both use the same load/chunk/embed functions and the same writer; Ray runs them as Ray Data
``map_batches`` on a local Ray with every core of the machine. Starting Ray is timed apart
from the ingest. A second, unchanged run shows the fixed cost of each path.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.kb_common import CORPUS_DIRS, corpus, settings_in


def local_runs(data_dir: Path) -> list[Any]:
    from knowledge.ingest import ingest

    settings = settings_in(data_dir)
    return [ingest(settings, corpus(), progress=False) for _ in range(2)]


def ray_runs(data_dir: Path, cpus: int) -> tuple[float, list[Any]]:
    """(seconds to start Ray, the two reports)."""
    from knowledge.ray_cluster import ray_connected
    from knowledge.ray_ingest import ingest_with_ray

    settings = settings_in(data_dir)
    started = time.perf_counter()
    with ray_connected(num_cpus=cpus):
        startup = time.perf_counter() - started
        reports = [ingest_with_ray(settings, corpus(), progress=False) for _ in range(2)]
    return startup, reports


def run() -> str:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    cpus = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        local = local_runs(Path(tmp) / "local")
        startup, on_ray = ray_runs(Path(tmp) / "ray", cpus)
    return render(local, on_ray, startup, cpus)


def render(local: list[Any], on_ray: list[Any], startup: float, cpus: int) -> str:
    first_local, first_ray = local[0], on_ray[0]
    chunks = sum(n for _, n in first_local.ingested)
    same = chunks == sum(n for _, n in first_ray.ingested)
    rows = [
        ("first ingest, s", first_local.seconds, first_ray.seconds, False),
        ("first ingest, docs/s", first_local.docs_per_s, first_ray.docs_per_s, True),
        ("rerun, nothing changed, s", local[1].seconds, on_ray[1].seconds, False),
    ]
    table = [
        "| | local | Ray | Ray / local |",
        "|---|---|---|---|",
        *[
            f"| {label} | {a:.1f} | {b:.1f} | {b / a if higher else a / b:.2f}× |"
            for label, a, b, higher in rows
        ],
        f"| starting Ray, s | — | {startup:.1f} | |",
    ]
    return "\n".join([
        "## Knowledge base: `bot ingest --ray` vs local",
        "",
        f"The project's {' and '.join(f'`{d}/`' for d in CORPUS_DIRS)} "
        f"({first_local.files_seen} files, {chunks} chunks"
        f"{'' if same else '; Ray stored a different number!'}), each path into a fresh "
        f"embedded Chroma; local Ray with {cpus} CPUs (one chunking actor, up to {cpus} "
        "embedding actors of one ONNX thread each). \"Ray / local\" above 1× means Ray is "
        "faster.",
        "",
        *table,
        "",
        "Ray pays for starting worker processes and loading the model once per actor, and "
        "pays off when the corpus and the cluster are big; "
        + ("here it was faster than the local path." if first_ray.seconds < first_local.seconds
           else "on this machine the local path, whose ONNX session already uses every core, "
           "was faster: use `--ray` for a cluster, not a laptop."),
    ])
