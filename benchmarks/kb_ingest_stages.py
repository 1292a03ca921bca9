"""Where an ingest's CPU goes, stage by stage, and the embedder-alone floor on the same
passages (a sample of the PostgreSQL manual)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.embed_floor import FLOOR_SAMPLE, floor
from benchmarks.kb_common import settings_in


def cpu_of(call: Any) -> tuple[Any, float]:
    """``call()``'s result and the process CPU seconds it took (every thread's)."""
    cpu = time.process_time()
    result = call()
    return result, time.process_time() - cpu


def stage_cpu(corpus: Path, data_dir: Path) -> tuple[list[str], dict[str, float]]:
    """The passages of ``corpus`` and the CPU seconds of each stage of the pipeline now."""
    from knowledge.batches import ChunkBatch, LoadBatch, metadata_of
    from knowledge.discover import discover
    from knowledge.embedder import build_embedder
    from knowledge.lexical import LexicalIndex
    from knowledge.lexical_sync import lexical_row
    from knowledge.store import KnowledgeStore

    embedder: Any = build_embedder(settings_in(data_dir))
    found = discover([corpus])
    batch = {"path": [f.path for f in found.files], "source": [f.source for f in found.files]}
    loaded, parse = cpu_of(lambda: LoadBatch(20_000_000)(batch))
    chunker = ChunkBatch(settings_in(data_dir), counter=embedder)
    rows, chunk = cpu_of(lambda: chunker(loaded))
    texts = [str(t) for t in rows["embed_text"]]
    _, tokenise = cpu_of(lambda: embedder.tokenizer.encode_batch(texts))
    vectors, embed = cpu_of(lambda: embedder.embed(texts))
    store = KnowledgeStore.open(settings_in(data_dir), embedder.name, collection="profile",
                                write=True)
    metas = [metadata_of(rows, i) for i in range(len(texts))]
    _, chroma = cpu_of(lambda: store.upsert(rows["id"], vectors, rows["text"], metas))
    store.close()
    index = LexicalIndex(data_dir / "profile.sqlite3")
    lex = (lexical_row(i, m, t) for i, m, t in zip(rows["id"], metas, rows["text"], strict=True))
    _, lexical = cpu_of(lambda: index.add(lex))
    index.close()
    return texts, {"parse (read + HTML)": parse, "chunk (with token counts)": chunk,
                   "tokenise for the model": tokenise,
                   "ONNX (embed minus tokenise)": max(embed - tokenise, 0.0),
                   "Chroma upsert": chroma, "lexical index (FTS5)": lexical}


def floor_and_stages(corpus: Path, data_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The floor's best settings on passages of ``corpus``, and the stage CPU seconds."""
    texts, stages = stage_cpu(corpus, data_dir)
    sample = texts[:: max(1, len(texts) // FLOOR_SAMPLE)][:FLOOR_SAMPLE]
    return {"passages": len(sample), "settings": floor(sample, data_dir)}, {
        "passages": len(texts), "cpu": stages}
