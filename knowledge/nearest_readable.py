"""The dense ranking of a filtered search: the ``n`` nearest chunks an asker may read, chosen
by how much of the collection they may read.

- **Most of it**: ask Chroma unfiltered for enough neighbours that ``n`` readable ones are
  expected among them (``n / share``, with a margin), ids only, and keep the readable ones in
  order. The readable ranking is a subsequence of the full one, so when at least ``n``
  remain they are exactly the readable top ``n`` (as far as HNSW's own ranking is exact).
- **Little of it**, where that over-fetch would pass ``OVERFETCH_MAX`` neighbours (under
  about 6% of the collection), or when it came back short: score every readable vector
  (:mod:`knowledge.reader_vectors`), exact, and fast because the set is small.

BM25 rankings use the same over-fetch (:func:`overfetched`): an FTS5 query that checks each
match's key costs more than asking for more matches and dropping the unreadable ones.

Chroma's own metadata filter is never used here: its cost grows with the collection
whatever the asker may read. Which chunks are readable comes from the lexical index's
reader-set keys; the caller re-checks every hit's ``readers`` in Chroma.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    import numpy as np

    from knowledge.lexical import LexicalIndex
    from knowledge.lexical_access import Readable
    from knowledge.store import KnowledgeStore

log = structlog.get_logger("knowledge.nearest_readable")

OVERFETCH_MAX = 1_000  # above this many neighbours, HNSW costs more than scoring all
MARGIN = 1.5  # neighbours asked for per readable one expected, so a short fetch is rare


def nearest_readable(
    store: KnowledgeStore,
    index: LexicalIndex,
    vector: np.ndarray,
    n: int,
    readable: Readable,
) -> list[str]:
    """Ids of the ``n`` nearest chunks carrying one of ``readable.keys``, best first."""
    if readable.rows == 0 or n <= 0:
        return []
    found = overfetched(lambda k: store.nearest_ids(vector, k), index, n, readable)
    if found is not None:
        return found
    return index.vectors.nearest(index.db, readable.keys, vector, n)


def overfetched(
    rank: Callable[[int], list[str]], index: LexicalIndex, n: int, readable: Readable
) -> list[str] | None:
    """The readable top ``n`` of an unfiltered ranking (``rank(k)``: its top ``k`` ids),
    asked for enough more that ``n`` readable ones are expected; None when that would take
    more than ``OVERFETCH_MAX`` or too few came back (the caller filters instead)."""
    fetch = overfetch(n, readable)
    if fetch > OVERFETCH_MAX:
        return None
    ids = rank(fetch)
    kept = index.readable_ids(ids, readable)
    if len(kept) >= n or len(ids) < fetch:  # enough, or every match was seen
        return kept[:n]
    log.debug("overfetch_short", fetched=fetch, readable=len(kept), wanted=n)
    return None


def overfetch(n: int, readable: Readable) -> int:
    """How many unfiltered neighbours to ask for so that ``n`` readable ones are expected."""
    if readable.rows >= readable.total:
        return n
    return min(readable.total, math.ceil(n * MARGIN / max(readable.share, 1e-9)) + n)
