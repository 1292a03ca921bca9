"""The nearest readable chunks by brute force, for askers who may read little.

Chroma's HNSW walk with a small allow-list visits most of the graph to find a few allowed
nodes (slower than no filter by 10-50x at 100,000 chunks), while a dot product over the
few thousand vectors an asker may read takes a fraction of a millisecond. The vectors come
from the lexical index's float16 copy (:mod:`knowledge.lexical_access`), one reader set at a
time, and are kept in memory until the index changes (``access_generation``), at most
``budget`` rows: the least recently used sets go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from knowledge import lexical_access as access

if TYPE_CHECKING:
    import sqlite3

BUDGET_ROWS = 100_000  # about 77 MB of float16 vectors at 384 dimensions


class ReaderVectors:
    """Per-process cache of each reader set's ids and vectors; thread-safe."""

    def __init__(self, budget: int = BUDGET_ROWS) -> None:
        self.budget = budget
        self._sets: OrderedDict[int, tuple[list[str], np.ndarray]] = OrderedDict()
        self._rows = 0
        self._generation = -1
        self._lock = threading.Lock()

    def nearest(
        self, db: sqlite3.Connection, keys: Sequence[int], vector: np.ndarray, n: int
    ) -> list[str]:
        """Ids of the ``n`` rows carrying one of ``keys`` most similar to ``vector``, best
        first (exact: every readable vector is scored)."""
        ids, scores = self._scored(db, keys, np.asarray(vector, dtype=np.float32))
        if not ids:
            return []
        top = np.argpartition(-scores, n - 1)[:n] if n < len(ids) else np.arange(len(ids))
        return [ids[i] for i in top[np.argsort(-scores[top], kind="stable")]]

    def _scored(
        self, db: sqlite3.Connection, keys: Sequence[int], vector: np.ndarray
    ) -> tuple[list[str], np.ndarray]:
        with self._lock:
            self._follow(access.generation(db))
            found = [self._of(db, key) for key in keys]
        ids = [i for key_ids, _ in found for i in key_ids]
        parts = [m for key_ids, m in found if key_ids and m.shape[1] == vector.shape[0]]
        if not ids or len(parts) != sum(1 for key_ids, _ in found if key_ids):
            return [], np.zeros(0, dtype=np.float32)  # vectors of another size: not ours
        matrix = np.concatenate(parts).astype(np.float32)
        # einsum, not BLAS: OpenBLAS threads stall on a busy machine for products this small
        return ids, np.einsum("ij,j->i", matrix, vector)

    def _follow(self, generation: int) -> None:
        """Drop every cached set when the index has changed since they were read."""
        if generation != self._generation:
            self._sets.clear()
            self._rows, self._generation = 0, generation

    def _of(self, db: sqlite3.Connection, key: int) -> tuple[list[str], np.ndarray]:
        if key in self._sets:
            self._sets.move_to_end(key)
            return self._sets[key]
        found = access.vectors_of(db, key)
        self._sets[key] = found
        self._rows += len(found[0])
        while self._rows > self.budget and len(self._sets) > 1:
            _, (old, _) = self._sets.popitem(last=False)
            self._rows -= len(old)
        return found
