"""The embedder alone: ONNX Runtime on the int8 model, the same passages, each setting tried.

The floor the ingestion pipeline is measured against: nothing but tokenising and running
the model on passages already chunked. Settings tried: one session per worker thread (each
a whole batch on one core, as ``bot ingest`` runs it) with 1 or 2 workers and batches of 4
to 32 passages, and one run at a time on two intra-op threads. Rounds interleave the
settings so that a change of load on a shared machine hits them alike.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

BATCHES = (4, 8, 16, 32)
ROUNDS = 2
FLOOR_SAMPLE = int(os.environ.get("KB_FLOOR_SAMPLE", "384"))  # passages, spread evenly


def settings_tried(data_dir: Path) -> dict[str, Any]:
    """Each setting's embedder on the int8 model ``bot ingest`` builds in ``data_dir``."""
    import onnxruntime as ort

    from benchmarks.kb_common import settings_in
    from knowledge.embedder import build_embedder
    from knowledge.minilm import MiniLMEmbedder

    built: Any = build_embedder(settings_in(data_dir))
    files = built.files
    tried = {f"{w} worker(s) × 1 thread, batch {b}": MiniLMEmbedder(files, b, threads=w)
             for w in (1, 2) for b in BATCHES}
    for b in (8, 32):
        one = MiniLMEmbedder(files, b, threads=1)
        options = one.session.get_session_options()
        options.intra_op_num_threads = 2
        one.session = ort.InferenceSession(str(files.model), sess_options=options,
                                           providers=["CPUExecutionProvider"],
                                           disabled_optimizers=["SkipLayerNormFusion"])
        tried[f"1 run × 2 intra-op threads, batch {b}"] = one
    return tried


def floor(texts: list[str], data_dir: Path) -> dict[str, tuple[float, float]]:
    """Passages per wall second and per CPU-second of each setting (best round each)."""
    tried = settings_tried(data_dir)
    best: dict[str, tuple[float, float]] = {name: (0.0, 0.0) for name in tried}
    for _ in range(ROUNDS):
        for name, embedder in tried.items():
            wall, cpu = time.perf_counter(), time.process_time()
            embedder.embed(texts)
            rate = len(texts) / (time.perf_counter() - wall)
            per_cpu = len(texts) / (time.process_time() - cpu)
            best[name] = (max(best[name][0], rate), max(best[name][1], per_cpu))
    return best
