"""The leak-probe benchmark at CI size: a real Chroma and FTS5 index with 1,000 permission
sets, questions aimed at random passages by authorised and unauthorised askers."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.access_filter import RandomQueries, fill, permission_sets, probes
from config import load_settings
from knowledge.search import Searcher


def test_no_probe_leaks_and_authorised_askers_find_what_unfiltered_search_finds(
    data_dir: Path,
) -> None:
    settings = load_settings(data_dir=data_dir, tools=["search_knowledge"])
    rng = random.Random(3)
    corpus = fill(settings, 1200, permission_sets(rng, users=50), rng)
    embedder = RandomQueries(4)
    searcher = Searcher(settings, embedder=embedder)  # type: ignore[arg-type]
    asked, leaked, found, found_plain = probes(searcher, embedder, corpus, 300, seed=9)
    assert asked == 300 and leaked == 0
    assert found >= found_plain > 0
