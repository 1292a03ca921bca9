"""One writer process per embedded Chroma path: Chroma is thread-safe, not process-safe.

The lock is an OS file lock (released by the kernel if the process dies, so a killed run
never leaves a stale lock behind); a sidecar file names the holder for the error message.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from knowledge.errors import WriterLocked


class WriterLock:
    """Held while ingesting into ``data_path``; a second writer fails at once, clearly."""

    def __init__(self, data_path: Path) -> None:
        self.lock_path = data_path.parent / f"{data_path.name}.writer.lock"
        self.owner_path = data_path.parent / f"{data_path.name}.writer.owner"
        self._lock: Any = None

    def acquire(self) -> WriterLock:
        from filelock import FileLock, Timeout

        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise WriterLocked(
                f"another process is writing to the knowledge base at {self.lock_path.parent} "
                f"({self._holder()}). Chroma allows one writer process per folder. Fix: wait "
                "for it to finish, or run a Chroma server and set kb.url for several writers"
            ) from None
        self._lock = lock
        command = " ".join(sys.argv[:3])
        self.owner_path.write_text(f"pid {os.getpid()} ({command}) since {time.ctime()}\n")
        return self

    def _holder(self) -> str:
        try:
            return self.owner_path.read_text().strip()
        except OSError:
            return "holder unknown"

    def release(self) -> None:
        if self._lock is not None:
            self.owner_path.unlink(missing_ok=True)
            self._lock.release()
            self._lock = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
