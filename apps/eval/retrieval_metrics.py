"""hit@k, MRR@k and nDCG@k of one ranked list of passages, judged at the document level.

A retrieved passage is relevant when its source is one of the question's expected sources
(and, when the question names a heading, it sits under that heading). Several passages of
the same page count once, at the rank of the first: the question asks which *document*
answers it, and nDCG's ideal list holds each expected source once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Retrieved:
    source: str
    heading: str


def source_matches(source: str, expected: str) -> bool:
    """``expected`` is the whole path or its last parts (``a/b.html`` matches ``b.html``)."""
    source, expected = source.strip("/"), expected.strip("/")
    return source == expected or source.endswith("/" + expected)


def relevant_source(item: Retrieved, expected: Sequence[str], heading: str | None) -> str | None:
    """The expected source ``item`` comes from (None when it is not relevant)."""
    if heading and heading.lower() not in item.heading.lower():
        return None
    return next((e for e in expected if source_matches(item.source, e)), None)


def first_relevant_ranks(
    ranked: Sequence[Retrieved], expected: Sequence[str], heading: str | None, k: int
) -> list[int]:
    """1-based ranks (within ``k``) at which a not yet seen expected source appears."""
    seen: set[str] = set()
    ranks = []
    for rank, item in enumerate(ranked[:k], 1):
        found = relevant_source(item, expected, heading)
        if found is not None and found not in seen:
            seen.add(found)
            ranks.append(rank)
    return ranks


@dataclass(frozen=True)
class Scores:
    hit: float
    mrr: float
    ndcg: float


def score(ranks: Sequence[int], relevant_count: int, k: int) -> Scores:
    """Scores from the ranks of relevant documents and how many exist (at most ``k`` count)."""
    if not ranks:
        return Scores(0.0, 0.0, 0.0)
    dcg = sum(1 / math.log2(r + 1) for r in ranks)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(k, max(relevant_count, 1)) + 1))
    return Scores(1.0, 1 / ranks[0], dcg / ideal)
