"""The filtered dense ranking on a real Chroma collection and lexical index (random vectors,
no model): exact for askers who may read little or most, a permission change seen by a
running searcher, and an index from before reader-set keys brought up to date from Chroma."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from benchmarks.access_filter import Corpus, RandomQueries, askers, fill, permission_sets
from config import Settings, load_settings
from contracts.access import Principal
from knowledge.lexical_sync import open_index, sync
from knowledge.nearest_readable import nearest_readable, overfetched
from knowledge.readers import set_readers
from knowledge.search import Searcher
from knowledge.store import KnowledgeStore

N = 1200
POOL = 40


@pytest.fixture
def built(data_dir: Path) -> tuple[Settings, Corpus, dict[str, list[Principal]]]:
    settings = load_settings(data_dir=data_dir, tools=["search_knowledge"])
    rng = random.Random(7)
    corpus = fill(settings, N, permission_sets(rng, users=200), rng)
    return settings, corpus, askers(rng, users=200)


def exact(corpus: Corpus, who: Principal, vector: np.ndarray, n: int) -> list[str]:
    """The readable top ``n`` by brute force over the corpus itself."""
    vectors, _, metas = corpus
    grants = set(who.grants)
    readable = [i for i, m in enumerate(metas) if set(m["readers"]) & grants]
    order = np.argsort(-(vectors[readable] @ vector))[:n]
    return [f"c{readable[i]}" for i in order]


@pytest.mark.parametrize("kind", ["a little", "most"])
def test_the_dense_ranking_is_the_readable_nearest_and_nothing_else(
    built: tuple[Settings, Corpus, dict[str, list[Principal]]], kind: str
) -> None:
    """Little: every readable vector scored (exact). Most: HNSW unfiltered, the unreadable
    dropped, as close to exact as HNSW's own unfiltered ranking is."""
    settings, corpus, kinds = built
    store = KnowledgeStore.open(settings, RandomQueries.name)
    index = open_index(settings, settings.kb.collection)
    assert index.without_vectors() == []  # the writer kept every vector
    queries = RandomQueries(11)
    anyone = Principal("anonymous", groups=tuple({r for m in corpus[2] for r in m["readers"]}))
    found = wanted = plain = 0
    for who in kinds[kind][:5]:
        vector = queries.random()
        got = nearest_readable(store, index, vector, POOL, index.readable(who.grants))
        want = exact(corpus, who, vector, POOL)
        assert len(got) == len(want) > 0
        assert set(got) <= {
            f"c{i}" for i, m in enumerate(corpus[2]) if set(m["readers"]) & set(who.grants)
        }
        found, wanted = found + len(set(got) & set(want)), wanted + len(want)
        plain += len(
            set(store.nearest_ids(vector, POOL)) & set(exact(corpus, anyone, vector, POOL))
        )
        if kind == "a little":
            assert len(set(got) & set(want)) >= len(want) - 1  # float16 ties at most
    assert found / wanted >= plain / (5 * POOL) - 0.03  # the unfiltered HNSW's recall or better


def test_a_permission_change_reaches_a_running_searcher(
    built: tuple[Settings, Corpus, dict[str, list[Principal]]],
) -> None:
    settings, corpus, _ = built
    vectors, texts, metas = corpus
    embedder = RandomQueries(5)
    searcher = Searcher(settings, embedder=embedder)  # type: ignore[arg-type]
    asker = Principal("user:newcomer@example.com")
    target = next(i for i, m in enumerate(metas) if m["readers"] != ["public"])

    def finds() -> bool:
        embedder.next = vectors[target]
        found = searcher.search(" ".join(texts[target].split()[:6]), 4, -1.0, asker)
        assert all(set(p.readers) & set(asker.grants) for p in found)
        return any(p.chunk_id == f"c{target}" for p in found)

    assert not finds()
    path = f"/d/{target // 4}.md"
    assert regrant(settings, path, ["user:newcomer@example.com"]) == 4
    assert finds()  # the cached vectors of the asker's reader sets were dropped
    assert regrant(settings, path, ["group:someone-else"]) == 4
    assert not finds()


def regrant(settings: Settings, path: str, readers: list[str]) -> int:
    store = KnowledgeStore.open(settings, RandomQueries.name, write=True)
    try:
        return set_readers(
            store,
            open_index(settings, settings.kb.collection),
            lambda meta: readers if meta.get("path") == path else None,
        )
    finally:
        store.close()


def test_an_index_from_before_reader_keys_gets_them_and_vectors_from_chroma(
    built: tuple[Settings, Corpus, dict[str, list[Principal]]],
) -> None:
    settings, corpus, kinds = built
    index = open_index(settings, settings.kb.collection)
    with index.db as db:  # what an index written before this change holds
        db.execute("DELETE FROM access")
        db.execute("DELETE FROM meta WHERE key = 'access_v1'")
        db.execute("CREATE TABLE readers(rowid INTEGER NOT NULL, reader TEXT NOT NULL)")
    store = KnowledgeStore.open(settings, RandomQueries.name)
    sync(store, index)
    assert index.without_vectors() == []
    assert index.db.execute("SELECT count(*) FROM access").fetchone()[0] == N
    assert (
        index.db.execute("SELECT name FROM sqlite_master WHERE name = 'readers'").fetchone() is None
    )
    who = kinds["a little"][0]
    vector = RandomQueries(2).random()
    got = nearest_readable(store, index, vector, POOL, index.readable(who.grants))
    assert set(got) == set(exact(corpus, who, vector, POOL))


def test_a_sync_with_nothing_to_do_keeps_the_cached_vectors(
    built: tuple[Settings, Corpus, dict[str, list[Principal]]],
) -> None:
    settings, _, _ = built
    index = open_index(settings, settings.kb.collection)
    store = KnowledgeStore.open(settings, RandomQueries.name)
    sync(store, index)  # the first one records which collection the index follows
    before = index.db.execute("SELECT n FROM access_generation").fetchone()[0]
    assert sync(store, index).added == 0
    assert index.db.execute("SELECT n FROM access_generation").fetchone()[0] == before


def test_an_over_fetched_bm25_ranking_holds_what_the_filtered_query_finds(
    built: tuple[Settings, Corpus, dict[str, list[Principal]]],
) -> None:
    settings, corpus, kinds = built
    index = open_index(settings, settings.kb.collection)
    rng = random.Random(4)
    for who in kinds["most"][:5]:
        query = " ".join(corpus[1][rng.randrange(N)].split()[:3])
        readable = index.readable(who.grants)
        got = overfetched(partial(index.search, query), index, POOL, readable)
        filtered = index.search(query, POOL, who.grants)
        assert got is not None and len(got) == len(filtered) > 0
        assert set(got) <= {
            f"c{i}" for i, m in enumerate(corpus[2]) if set(m["readers"]) & set(who.grants)
        }
        assert got[0] == filtered[0]  # same best match; lower down, BM25 ties may swap
