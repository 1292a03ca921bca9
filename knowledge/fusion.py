"""Reciprocal-rank fusion: several rankings of chunk ids -> one.

Each ranking adds ``weight / (k + rank)`` to every id it ranks (rank 1 is the best), so an
id near the top of two rankings beats one at the top of only one, and no ranking's raw
scores (cosine, BM25) need to be comparable with another's. A weight of 0 leaves a ranking
out; the exact-identifier ranking is simply a third list with its own weight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[str], float]], k: int = 60
) -> list[str]:
    """Ids ordered by fused score (ties keep the order in which ids were first seen)."""
    scores = fused_scores(rankings, k)
    return sorted(scores, key=lambda i: scores[i], reverse=True)


def fused_scores(rankings: Sequence[tuple[Sequence[str], float]], k: int = 60) -> dict[str, float]:
    """Each id's fused score, in the order the ids were first seen."""
    scores: dict[str, float] = defaultdict(float)
    for ids, weight in rankings:
        if weight <= 0:
            continue
        for rank, chunk_id in enumerate(ids, 1):
            scores[chunk_id] += weight / (k + rank)
    return dict(scores)
