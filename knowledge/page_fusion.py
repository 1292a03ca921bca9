"""Page-level fusion: the candidates ranked again by how well their *page* ranks, fused with
their own order.

Reciprocal-rank fusion works chunk by chunk: a chunk counts twice only when the vectors and
BM25 both rank that very chunk. The page that answers a paraphrased question is often found
by the vectors through one of its chunks (its summary, an example) and by BM25 through
another (an option that names the question's words), so each chunk of it ranks once and
modestly, while a long tutorial that discusses the topic in many chunks fills the list. Here
each ranking is read as a ranking of pages (a page ranks where its best chunk does), the
page rankings are fused with the same weights, and the candidates ordered by their page's
fused score are fused with their own order (``kb.page_weight``; 0 = off).

Only the candidates already looked up are used (each ranking's pages are those of its
chunks among them), so nothing more is read from Chroma, and every id a ranking holds is one
the asker may read: the page ranks come from readable chunks alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from knowledge.fusion import fused_scores, reciprocal_rank_fusion

if TYPE_CHECKING:
    from knowledge.store import Hit


def page_of(hit: Hit) -> str:
    """The file a chunk belongs to (as ``per_source`` counts files)."""
    return str(hit.metadata.get("path") or hit.metadata.get("source", ""))


def by_page(
    hits: Sequence[Hit],
    rankings: Sequence[tuple[Sequence[str], float]],
    weight: float,
    k: int,
) -> list[Hit]:
    """``hits`` (best first) fused with their order by their page's fused rank, the page
    ranks read off ``rankings`` (chunk ids best first, with their fusion weights)."""
    if weight <= 0 or len(hits) < 2:
        return list(hits)
    pages = {h.id: page_of(h) for h in hits}
    page_rankings = [
        (list(dict.fromkeys(pages[i] for i in ids if i in pages)), w) for ids, w in rankings
    ]
    score = fused_scores(page_rankings, k)
    by_their_page = sorted(hits, key=lambda h: score.get(pages[h.id], 0.0), reverse=True)
    order = reciprocal_rank_fusion(
        [([h.id for h in hits], 1.0), ([h.id for h in by_their_page], weight)], k
    )
    found = {h.id: h for h in hits}
    return [found[i] for i in order]
