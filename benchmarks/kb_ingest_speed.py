"""Ingestion chunks/s before and after, each choice side by side, and where the time goes.

On a subset of the PostgreSQL manual (every page a benchmark question names plus every
20th page, see :mod:`benchmarks.pg_corpus`), in the same process:

1. **End to end**: ``ingest`` with the pipeline as it was (the offline model as shipped,
   one ONNX run at a time on intra-op threads, no lexical index) and as it is now
   (int8-quantized model with fused GELUs, batches embedded in parallel one core each,
   parsing overlapped with embedding, FTS5 index written beside Chroma). The pages are
   dealt into slices and the two pipelines take turns slice by slice (who goes first
   alternates), each into its own collection, so a change of load on the shared machine
   hits both alike. Both collections are then scored with the retrieval eval on the
   questions whose pages are in the subset, so a speed gain that cost retrieval quality
   would show.
2. **Each embedding choice alone**: the same chunk texts embedded by each embedder variant,
   the variants interleaved round by round.
3. **Stage profile** of the pipeline now: parse, chunk (with token counts), tokenise for
   the model, ONNX, Chroma writes, lexical index writes.

Wall time and CPU time are both reported: the machine is shared, and chunks per CPU-second
shows the work saved even when other jobs take the cores.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.kb_common import settings_in
from benchmarks.pg_corpus import QUESTIONS, subset

EVERY = 20
SLICES = 6
ROUNDS = 2
SAMPLE = 128  # chunk texts per embedding round


@dataclass
class Timed:
    wall: float
    cpu: float
    chunks: int

    @property
    def rate(self) -> float:
        return self.chunks / self.wall

    @property
    def per_cpu(self) -> float:
        return self.chunks / self.cpu

    def __add__(self, other: Timed) -> Timed:
        return Timed(self.wall + other.wall, self.cpu + other.cpu, self.chunks + other.chunks)


def timed(call: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def model_files() -> Any:
    from knowledge.model_files import locate_model

    return locate_model(None, allow_download=False)


def legacy_embedder(model: Path | None = None) -> Any:
    """The embedder as it was: the shipped model, one run at a time on intra-op threads."""
    import onnxruntime as ort

    from knowledge.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder(model_files(), batch_size=32, threads=1)  # one batch at once
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    embedder.session = ort.InferenceSession(str(model or model_files().model),
                                            sess_options=options,
                                            providers=["CPUExecutionProvider"])
    return embedder


def with_default_fusions(embedder: Any) -> Any:
    """``embedder`` on a session with every ONNX Runtime fusion, SkipLayerNorm's included."""
    import onnxruntime as ort

    options = embedder.session.get_session_options()
    embedder.session = ort.InferenceSession(str(embedder.files.model), sess_options=options,
                                            providers=["CPUExecutionProvider"])
    return embedder


def current_embedder(data_dir: Path) -> tuple[Any, float]:
    """The embedder ``bot ingest`` builds now, and the seconds the one-off quantization took."""
    from knowledge.embedder import build_embedder

    embedder, wall, _ = timed(lambda: build_embedder(settings_in(data_dir)))
    return embedder, wall


def ingest_timed(data_dir: Path, corpus: Path, embedder: Any, retrieval: str) -> Timed:
    from knowledge.ingest import ingest

    settings = settings_in(data_dir, retrieval=retrieval)
    report, wall, cpu = timed(lambda: ingest(settings, [corpus], embedder=embedder,
                                             progress=False))
    return Timed(wall, cpu, report.embedded)


def slices(corpus: Path, root: Path) -> list[Path]:
    """The pages of ``corpus`` dealt round-robin into ``SLICES`` folders."""
    import shutil

    folders = [root / f"slice{i}" for i in range(SLICES)]
    for folder in folders:
        folder.mkdir(parents=True)
    for n, page in enumerate(sorted(corpus.glob("*.html"))):
        shutil.copy2(page, folders[n % SLICES] / page.name)
    return folders


def end_to_end(root: Path, corpus: Path, legacy: Any, now: Any,
               load: list[float]) -> tuple[Timed, Timed]:
    """Both pipelines over the same slices, taking turns (who goes first alternates)."""
    before = after = Timed(0.0, 0.0, 0)
    for n, part in enumerate(slices(corpus, root / "slices")):
        for turn in ((0, 1) if n % 2 == 0 else (1, 0)):
            if turn == 0:
                before = before + ingest_timed(root / "before", part, legacy, "dense")
            else:
                after = after + ingest_timed(root / "after", part, now, "hybrid")
        load.append(os.getloadavg()[0])
    return before, after


def eval_scores(data_dir: Path, embedder: Any) -> dict[str, tuple[float, float, float, int]]:
    from apps.eval.retrieval import run_retrieval_eval
    from apps.eval.retrieval_data import load_questions

    data = load_questions(QUESTIONS)
    report = run_retrieval_eval(settings_in(data_dir), data, data_name="subset",
                                collection="docs", embedder=embedder)
    scored = report.questions - len(report.missing_sources)
    return {c.config.name: (c.mean("hit"), c.mean("mrr"), c.mean("ndcg"), scored)
            for c in report.configs if not c.config.note}


def embedding_variants(texts: list[str], data_dir: Path) -> dict[str, Timed]:
    """Each embedding choice on its own, interleaved round by round."""
    from dataclasses import replace

    from knowledge.minilm import MiniLMEmbedder
    from knowledge.quantize import build_quantized

    quantized = current_embedder(data_dir)[0].files
    unfused = data_dir / "minilm-int8-gelu-unfused.onnx"
    build_quantized(model_files().model, unfused, fuse_gelus=False)
    cores = os.cpu_count() or 1

    def ours(model: Path) -> Any:
        return MiniLMEmbedder(replace(model_files(), model=model), threads=cores)

    variants = {
        "as it was (shipped model, intra-op threads)": legacy_embedder(),
        "+ int8 quantization only": legacy_embedder(unfused),
        "+ batches in parallel only (shipped model)": with_default_fusions(
            MiniLMEmbedder(model_files(), threads=cores)),
        "int8 + parallel (first pass)": with_default_fusions(ours(unfused)),
        "+ no SkipLayerNorm fusion": ours(unfused),
        "+ fused GELU (now)": ours(quantized.model),
    }
    totals = {name: Timed(0.0, 0.0, 0) for name in variants}
    for _ in range(ROUNDS):
        for name, embedder in variants.items():
            _, wall, cpu = timed(lambda e=embedder: e.embed(texts))
            t = totals[name]
            totals[name] = Timed(t.wall + wall, t.cpu + cpu, t.chunks + len(texts))
    return totals


def stage_profile(corpus: Path, data_dir: Path) -> dict[str, float]:
    """Seconds per stage of the pipeline now, run stage by stage on ``corpus``."""
    from knowledge.batches import ChunkBatch, LoadBatch, metadata_of
    from knowledge.discover import discover
    from knowledge.lexical import LexicalIndex
    from knowledge.lexical_sync import lexical_row
    from knowledge.store import KnowledgeStore

    embedder = current_embedder(data_dir)[0]
    found = discover([corpus])
    batch = {"path": [f.path for f in found.files], "source": [f.source for f in found.files]}
    loaded, parse, _ = timed(lambda: LoadBatch(20_000_000)(batch))
    chunker = ChunkBatch(settings_in(data_dir), counter=embedder)
    rows, chunk, _ = timed(lambda: chunker(loaded))
    texts = [str(t) for t in rows["embed_text"]]
    _, tokenise, _ = timed(lambda: embedder.tokenizer.encode_batch(texts))
    vectors, embed, _ = timed(lambda: embedder.embed(texts))
    store = KnowledgeStore.open(settings_in(data_dir), embedder.name, collection="profile")
    metas = [metadata_of(rows, i) for i in range(len(texts))]
    _, chroma, _ = timed(lambda: store.upsert(rows["id"], vectors, rows["text"], metas))
    index = LexicalIndex(data_dir / "profile.sqlite3")
    lex = (lexical_row(i, m, t) for i, m, t in zip(rows["id"], metas, rows["text"], strict=True))
    _, lexical, _ = timed(lambda: index.add(lex))
    return {"chunks": float(len(texts)), "parse (read + HTML)": parse,
            "chunk (with token counts)": chunk, "tokenise for the model": tokenise,
            "ONNX (embed minus tokenise)": max(embed - tokenise, 0.0),
            "Chroma upsert": chroma, "lexical index (FTS5)": lexical}


def run() -> str:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = subset(root / "corpus", EVERY)
        pages = len(list(corpus.glob("*.html")))
        legacy = legacy_embedder()
        now, quantize_s = current_embedder(root / "after")
        before, after = end_to_end(root, corpus, legacy, now, load)
        quality = {"before": eval_scores(root / "before", legacy),
                   "after": eval_scores(root / "after", now)}
        small = subset(root / "small", 60)
        from benchmarks.kb_common import texts_of

        texts = texts_of(small, now)[:SAMPLE]
        variants = embedding_variants(texts, root / "after")
        load.append(os.getloadavg()[0])
        profile = stage_profile(small, root / "profile")
    return render(pages, before, after, quantize_s, quality, variants, profile, texts, load)


def render(pages: int, before: Timed, after: Timed, quantize_s: float,
           quality: dict[str, Any], variants: dict[str, Timed], profile: dict[str, float],
           texts: list[str], load: list[float]) -> str:
    from benchmarks.kb_common import mean_tokens

    lines = [
        "## Knowledge base: ingestion speed, before and after (PostgreSQL manual subset)",
        "",
        f"`ingest` of {pages} pages of the PostgreSQL 15 manual ({before.chunks} chunks of "
        f"~{mean_tokens(texts):.0f} tokens) into a fresh embedded Chroma, the pipeline as it was "
        f"and as it is now, in one process, taking turns over {SLICES} slices of the pages "
        "(who goes first alternates). 1-minute load average of the shared 2-core machine, "
        f"at the start and after each slice: {', '.join(f'{x:.1f}' for x in load)}.",
        "",
        "| pipeline | wall | chunks/s | CPU s | chunks per CPU-second |",
        "|---|---|---|---|---|",
        f"| before: shipped model, intra-op threads, no lexical index | {before.wall:.0f} s | "
        f"{before.rate:.1f} | {before.cpu:.0f} | {before.per_cpu:.1f} |",
        f"| after: int8 model (fused GELU), parallel batches, overlap, + FTS5 index | "
        f"{after.wall:.0f} s | "
        f"{after.rate:.1f} | {after.cpu:.0f} | {after.per_cpu:.1f} |",
        f"| after / before | {before.wall / after.wall:.2f}× faster | "
        f"{after.rate / before.rate:.2f}× | | {after.per_cpu / before.per_cpu:.2f}× |",
        "",
        f"Quantizing the model is a one-off {quantize_s:.1f} s (cached in the data dir). "
        "Retrieval quality of the two collections, on the benchmark questions whose pages "
        "are in the subset (hit@4 / MRR@4 / nDCG@4):",
        "",
        "| configuration | before (shipped model) | after (int8 model) |",
        "|---|---|---|",
    ]
    for name, (hit, mrr, ndcg, n) in quality["after"].items():
        b = quality["before"][name]
        lines.append(f"| {name} ({n} q.) | {b[0]:.3f} / {b[1]:.3f} / {b[2]:.3f} | "
                     f"{hit:.3f} / {mrr:.3f} / {ndcg:.3f} |")
    base = next(iter(variants.values()))
    lines += [
        "",
        f"Each embedding choice alone: the same {len(texts)} chunk texts, {ROUNDS} rounds, "
        "variants interleaved:",
        "",
        "| embedder | chunks/s | vs as it was | chunks per CPU-second | vs as it was |",
        "|---|---|---|---|---|",
        *[f"| {name} | {t.rate:.1f} | {t.rate / base.rate:.2f}× | {t.per_cpu:.1f} | "
          f"{t.per_cpu / base.per_cpu:.2f}× |" for name, t in variants.items()],
        "",
        f"Where the time goes now ({profile['chunks']:.0f} chunks, each stage run on its own, "
        "wall seconds):",
        "",
        "| stage | seconds | share |",
        "|---|---|---|",
    ]
    stages = {k: v for k, v in profile.items() if k != "chunks"}
    total = sum(stages.values())
    lines += [f"| {k} | {v:.2f} | {100 * v / total:.0f} % |" for k, v in stages.items()]
    return "\n".join(lines)
