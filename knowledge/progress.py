"""The ingestion progress bar on stderr (hidden when not a TTY).

The bar counts bytes of the files to ingest, so its ETA holds when file sizes vary; beside
it, files done, chunks written and chunks per second.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from knowledge.discover import FoundFile


class Progress:
    def __init__(self, files: Sequence[FoundFile], enabled: bool | None = None) -> None:
        from tqdm import tqdm

        self.sizes = {f.path: _size(f.path) for f in files}
        self.files = 0
        self.chunks = 0
        self.embedded = 0
        self.started = time.monotonic()
        self.bar: Any = tqdm(
            total=sum(self.sizes.values()),
            unit="B",
            unit_scale=True,
            file=sys.stderr,
            dynamic_ncols=True,
            disable=(not sys.stderr.isatty()) if enabled is None else not enabled,
            desc="ingesting",
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
            "[{elapsed}<{remaining}{postfix}]",
        )

    def advance(self, paths: Sequence[str], chunks: int = 0, embedded: int = 0) -> None:
        self.files += len(paths)
        self.chunks += chunks
        self.embedded += embedded
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.bar.set_postfix_str(
            f"{self.files} files, {self.chunks} chunks, {self.chunks / elapsed:.1f} chunks/s",
            refresh=False,
        )
        self.bar.update(sum(self.sizes.get(str(p), 0) for p in paths))

    def close(self) -> None:
        self.bar.close()


class NoProgress:
    def advance(self, paths: Sequence[str], chunks: int = 0, embedded: int = 0) -> None:
        return None

    def close(self) -> None:
        return None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
