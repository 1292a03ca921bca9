"""Page-level fusion, and files taking turns over the whole candidate pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from config import load_settings
from config.sections import KnowledgeBaseSettings
from knowledge.candidates import candidates
from knowledge.fusion import fused_scores, reciprocal_rank_fusion
from knowledge.page_fusion import by_page
from knowledge.search import Searcher, collapse_duplicates
from knowledge.store import Hit


def hit(chunk_id: str, vector: tuple[float, ...] = (1.0, 0.0)) -> Hit:
    page = chunk_id.split("#")[0]
    return Hit(chunk_id, f"text of {chunk_id}", {"path": page, "source": page}, 0.5,
               np.asarray(vector, dtype=np.float32))


# The vectors rank the answer page first through its summary, BM25 second through one of
# its options; a chunk of another page and one of a tutorial are each ranked by both.
DENSE = ["answer#summary", "tutorial#1", "other#1", "tutorial#2"]
WORDS = ["other#1", "answer#option", "tutorial#1", "tutorial#3"]
RANKINGS = [(DENSE, 1.0), (WORDS, 1.0)]


def fused_hits() -> list[Hit]:
    return [hit(i) for i in reciprocal_rank_fusion(RANKINGS)]


def pages(hits: list[Hit]) -> list[str]:
    return list(dict.fromkeys(str(h.metadata["path"]) for h in hits))


def test_a_page_each_ranking_finds_through_a_different_chunk_moves_up() -> None:
    fused = fused_hits()
    assert pages(fused) == ["other", "tutorial", "answer"], "precondition: chunks rank it last"
    ranked = by_page(fused, RANKINGS, KnowledgeBaseSettings().page_weight, k=60)
    assert pages(ranked) == ["other", "answer", "tutorial"], [h.id for h in ranked]
    assert sorted(h.id for h in ranked) == sorted(h.id for h in fused), "nothing added or lost"


def test_page_weight_zero_keeps_the_fused_order() -> None:
    fused = fused_hits()
    assert by_page(fused, RANKINGS, 0.0, k=60) == fused


def test_page_ranks_come_only_from_the_candidates_looked_up() -> None:
    """A ranking's chunks that are not among the hits (unreadable, or gone from Chroma)
    give their page nothing."""
    fused = [h for h in fused_hits() if h.id != "answer#summary"]
    ranked = by_page(fused, RANKINGS, 0.5, k=60)
    assert pages(ranked) == ["other", "tutorial", "answer"]


def test_fused_scores_keep_first_seen_order_and_skip_zero_weights() -> None:
    scores = fused_scores([(["a", "b"], 1.0), (["b", "c"], 1.0), (["z"], 0.0)], k=60)
    assert list(scores) == ["a", "b", "c"]
    assert scores["b"] > scores["a"] > scores["c"]


def test_files_take_turns_over_the_whole_pool_not_only_its_first_dozen(
    tmp_path: Path,
) -> None:
    """Twelve chunks of one long page ahead of the answer: the search still gives the
    answer the second slot (files take turns over ``kb.candidates`` passages)."""
    distinct = np.eye(13, dtype=np.float32)  # no two passages are near-duplicates
    long_page = [hit(f"tutorial#{n}", tuple(distinct[n])) for n in range(12)]
    answer = hit("answer#1", tuple(distinct[12]))

    class Store:
        def query(self, vector: Any, n: int, where: Any = None) -> list[Hit]:
            return [*long_page, answer][:n]

    class Embedder:
        name = "fake"

        def embed_query(self, text: str) -> Any:
            return np.zeros(13, dtype=np.float32)

    def top_pages(**kb: Any) -> list[str]:
        settings = load_settings(data_dir=tmp_path, kb={"retrieval": "dense", **kb})
        searcher = Searcher(settings, embedder=Embedder())  # type: ignore[arg-type]
        searcher._store = Store()  # type: ignore[assignment]
        return [Path(p.source).name for p in searcher.search("a question", top_k=2)]

    assert top_pages(max_per_source=0) == ["tutorial", "tutorial"]
    assert KnowledgeBaseSettings().candidates > 12
    assert top_pages() == ["tutorial", "answer"]


def test_near_duplicates_collapse_to_the_best_ranked() -> None:
    same = [hit("a#1", (1.0, 0.0)), hit("b#1", (0.999, 0.04)), hit("c#1", (0.0, 1.0))]
    assert [h.id for h in collapse_duplicates(same, 0.95)] == ["a#1", "c#1"]
    assert [h.id for h in collapse_duplicates(same, 1.0)] == ["a#1", "b#1", "c#1"]


def test_hybrid_candidates_are_fused_by_page() -> None:
    """The hybrid search applies page fusion after the chunk fusion (0 turns it off)."""
    known = {h.id: h for h in map(hit, {*DENSE, *WORDS})}

    class Store:
        def query(self, vector: Any, n: int, where: Any = None) -> list[Hit]:
            return [known[i] for i in DENSE[:n]]

        def hits(self, ids: list[str], vector: Any) -> dict[str, Hit]:
            return {i: known[i] for i in ids}

    class Lexical:
        def search(self, query: str, n: int, grants: Any = None) -> list[str]:
            return WORDS[:n]

        def search_identifiers(self, query: str, n: int, grants: Any = None) -> list[str]:
            return []

    def ranked(**kb: Any) -> list[str]:
        settings = KnowledgeBaseSettings(**kb)
        found = candidates(settings, Store(), Lexical(), "zzz", np.zeros(2), 10)  # type: ignore[arg-type]
        return pages(found)

    assert ranked() == ["other", "answer", "tutorial"]
    assert ranked(page_weight=0.0) == ["other", "tutorial", "answer"]
