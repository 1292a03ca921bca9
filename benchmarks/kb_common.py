"""What the knowledge-base benchmarks share: the corpus, throwaway settings, the embedder.

The corpus is the project itself (its Markdown docs and Python sources): real documents of
mixed length, the kind a team points ``bot ingest`` at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIRS = ("docs", "knowledge/loaders")  # ~15 files, ~200 chunks: fits 2 busy cores


def corpus() -> list[Path]:
    """The folders ingested by the benchmarks (the walk skips caches and hidden files)."""
    return [ROOT / name for name in CORPUS_DIRS if (ROOT / name).is_dir()]


def corpus_texts() -> tuple[int, list[str]]:
    """(files, chunk texts as the embedder reads them), chunked by the ingestion code."""
    from knowledge.batches import ChunkBatch, LoadBatch
    from knowledge.discover import discover

    found = discover(corpus())
    batch = {"path": [f.path for f in found.files], "source": [f.source for f in found.files]}
    loaded = LoadBatch(max_bytes=20_000_000)(batch)
    chunks = ChunkBatch(settings_in(Path(os.devnull)))(loaded)
    return len(found.files), [str(t) for t in chunks["embed_text"]]


def settings_in(data_dir: Path, **kb: Any) -> Settings:
    """Settings with a private knowledge base in ``data_dir`` (nothing from the user's config)."""
    return load_settings(data_dir=data_dir, kb=kb)


def our_embedder(threads: int | None = None) -> Any:
    """The bot's MiniLM embedder on the offline model files, as ``bot ingest`` builds it."""
    from knowledge.minilm import MiniLMEmbedder
    from knowledge.model_files import locate_model

    return MiniLMEmbedder(locate_model(None, allow_download=False), threads=threads)


def texts_of(folder: Path, counter: Any) -> list[str]:
    """The chunk texts (as the model reads them) of every file under ``folder``."""
    from knowledge.batches import ChunkBatch, LoadBatch
    from knowledge.discover import discover

    found = discover([folder])
    batch = {"path": [f.path for f in found.files], "source": [f.source for f in found.files]}
    chunks = ChunkBatch(settings_in(Path(os.devnull)), counter=counter)(
        LoadBatch(max_bytes=20_000_000)(batch)
    )
    return [str(t) for t in chunks["embed_text"]]


def mean_tokens(texts: list[str]) -> float:
    embedder = our_embedder(threads=1)
    counts = embedder.count(texts)
    return sum(counts) / max(len(counts), 1)
