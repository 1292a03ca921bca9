"""The ingestion progress bar on stderr: files done, chunks, docs/s (hidden when not a TTY)."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    def __init__(self, total_files: int, enabled: bool | None = None) -> None:
        from tqdm import tqdm

        self.chunks = 0
        self.embedded = 0
        self.bar: Any = tqdm(
            total=total_files,
            unit=" docs",
            file=sys.stderr,
            dynamic_ncols=True,
            disable=(not sys.stderr.isatty()) if enabled is None else not enabled,
            desc="ingesting",
        )

    def advance(self, files: int, chunks: int = 0, embedded: int = 0) -> None:
        self.chunks += chunks
        self.embedded += embedded
        self.bar.set_postfix(chunks=self.chunks, embedded=self.embedded, refresh=False)
        self.bar.update(files)

    def close(self) -> None:
        self.bar.close()


class NoProgress:
    def advance(self, files: int, chunks: int = 0, embedded: int = 0) -> None:
        return None

    def close(self) -> None:
        return None
