"""The per-file cap on search results: several files get a say in the top passages."""

from __future__ import annotations

import numpy as np

from config.sections import KnowledgeBaseSettings
from knowledge.search import per_source
from knowledge.store import Hit


def hit(path: str, n: int) -> Hit:
    return Hit(f"{path}#{n}", f"passage {n} of {path}", {"path": path, "source": path},
               0.9 - n / 100, np.zeros(3, dtype=np.float32))


def sources(hits: list[Hit]) -> list[str]:
    return [h.metadata["path"] for h in hits]


# A page that talks about the topic at length outranks the short page that answers it.
RANKED = [hit("overview.html", 0), hit("overview.html", 1), hit("overview.html", 2),
          hit("tips.html", 3), hit("overview.html", 4), hit("answer.html", 5)]


def test_by_default_the_top_four_come_from_four_files() -> None:
    kept = per_source(RANKED, KnowledgeBaseSettings().max_per_source)
    assert sources(kept[:3]) == ["overview.html", "tips.html", "answer.html"]


def test_a_cap_of_two_lets_one_file_fill_two_slots() -> None:
    kept = per_source(RANKED, 2)
    assert sources(kept[:4]) == ["overview.html", "overview.html", "tips.html", "answer.html"]


def test_no_cap_keeps_the_ranking_and_the_capped_rest_still_fill_free_slots() -> None:
    assert per_source(RANKED, 0) == RANKED
    assert sorted(h.id for h in per_source(RANKED, 1)) == sorted(h.id for h in RANKED)
