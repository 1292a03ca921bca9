"""Query-term coverage: the fused candidates ranked again by how many of the question's
words each one holds, fused with their first order.

BM25 scores a passage by its rarest matching words, so a passage that repeats one rare
word of the question ("stash", "tracking") can outrank the one that names every thing the
question asks about; the vectors miss exact words altogether. Counting the question's
distinct words in a passage's heading path and text is a third view, blind to rarity and
length. Words are compared as the pipeline's checks compare them (contracts/words.py: stop
words left out, a crude stem, so "tracking" and "tracked" agree).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from contracts.words import word_stems
from knowledge.fusion import reciprocal_rank_fusion

if TYPE_CHECKING:
    from knowledge.store import Hit


def by_coverage(hits: Sequence[Hit], query: str, weight: float, k: int) -> list[Hit]:
    """``hits`` (best first) fused with their order by the question's words they hold."""
    asked = word_stems(query)
    if weight <= 0 or not asked:
        return list(hits)

    def held(hit: Hit) -> int:
        return len(asked & word_stems(f"{hit.metadata.get('heading', '')}\n{hit.text}"))

    covered = sorted(hits, key=held, reverse=True)  # stable: ties keep the fused order
    order = reciprocal_rank_fusion(
        [([h.id for h in hits], 1.0), ([h.id for h in covered], weight)], k
    )
    found = {h.id: h for h in hits}
    return [found[i] for i in order]
