"""Every chunk text of a folder, one line per chunk, to compare two versions of the pipeline.

Run it with each version's code first on the path and compare the outputs (``cmp``); the
chunker counts with the embedder's own tokenizer, so the chunks are the ones ``bot ingest``
stores::

    PYTHONPATH=<old checkout> python -m benchmarks.chunk_digest DIR > old.txt
    PYTHONPATH=<new checkout> python -m benchmarks.chunk_digest DIR > new.txt
    cmp old.txt new.txt
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path


def digest_lines(folder: Path) -> list[str]:
    """``source<TAB>chunk index<TAB>sha256 of the embedded text`` per chunk, sorted."""
    from benchmarks.kb_common import our_embedder, settings_in
    from knowledge.batches import ChunkBatch, LoadBatch
    from knowledge.discover import discover

    found = discover([folder])
    chunker = ChunkBatch(settings_in(Path(os.devnull)), counter=our_embedder(threads=1))
    lines = []
    for start in range(0, len(found.files), 64):
        files = found.files[start : start + 64]
        batch = {"path": [f.path for f in files], "source": [f.source for f in files]}
        rows = chunker(LoadBatch(max_bytes=50_000_000)(batch))
        for source, index, text in zip(rows["source"], rows["chunk_index"], rows["embed_text"],
                                       strict=True):
            digest = hashlib.sha256(str(text).encode()).hexdigest()[:16]
            lines.append(f"{source}\t{index}\t{digest}")
    return sorted(lines)


if __name__ == "__main__":
    sys.stdout.write("".join(f"{line}\n" for line in digest_lines(Path(sys.argv[1]))))
