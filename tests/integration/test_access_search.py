"""Search filtered by who asks, on a real embedded Chroma, FTS5 index and MiniLM model:
no leak, recall kept, old chunks public, a permission sync without re-embedding, fail closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from config import Settings
from contracts.access import Principal
from knowledge.ingest import ingest
from knowledge.lexical_sync import open_index
from knowledge.readers import close_source, set_readers
from knowledge.search import Searcher
from knowledge.store import KnowledgeStore
from tests.kb.access_corpus import ProbeWorld, leaks, make_world, write_docs
from tests.kb.helpers import kb_settings, shared_minilm

TOP = 4


@pytest.fixture
def world(tmp_path: Path, data_dir: Path) -> ProbeWorld:
    world = make_world(n_docs=30, n_users=6, n_groups=3, seed=20)
    ingest(kb_settings(data_dir), [write_docs(world, tmp_path / "docs")],
           embedder=shared_minilm(), progress=False)
    sync_readers(kb_settings(data_dir), world)
    return world


def sync_readers(settings: Settings, world: ProbeWorld) -> int:
    by_name = {d.name: d.readers for d in world.docs}
    store = KnowledgeStore.open(settings, shared_minilm().name, write=True)
    try:
        return set_readers(store, open_index(settings, settings.kb.collection),
                           lambda meta: by_name.get(Path(str(meta.get("path"))).name))
    finally:
        store.close()


def searcher(data_dir: Path, **kb: Any) -> Searcher:
    return Searcher(kb_settings(data_dir, min_score=-1.0, **kb), embedder=shared_minilm())


@pytest.mark.parametrize("retrieval", ["hybrid", "dense", "lexical"])
def test_no_asker_sees_a_passage_they_may_not_read_and_recall_is_kept(
    world: ProbeWorld, data_dir: Path, retrieval: str
) -> None:
    search = searcher(data_dir, retrieval=retrieval)
    probes = hits_filtered = hits_unfiltered = 0
    for user in world.users:
        asker = world.principal(user)
        for doc in world.docs:
            found = search.search(doc.question(), TOP, principal=asker)
            probes += 1
            assert leaks(world, asker, [p.text for p in found]) == [], (user, doc)
            if asker.id in doc.readers or set(asker.grants) & set(doc.readers):
                hits_filtered += any(doc.canary in p.text for p in found)
                unfiltered = search.search(doc.question(), TOP)
                hits_unfiltered += any(doc.canary in p.text for p in unfiltered)
    assert probes == len(world.users) * len(world.docs)
    assert hits_filtered >= hits_unfiltered > 0  # filtering never pushes a readable doc out


def test_the_top_four_are_four_readable_passages(world: ProbeWorld, data_dir: Path) -> None:
    asker = Principal(id="user:nobody-special@example.com")
    public = sum("public" in d.readers for d in world.docs)
    assert public >= TOP, "precondition: enough public documents"
    for retrieval in ("hybrid", "dense", "lexical"):
        found = searcher(data_dir, retrieval=retrieval).search("Reference code", TOP,
                                                               principal=asker)
        assert len(found) == TOP, retrieval


def test_chunks_from_before_permissions_count_as_public_in_both_indexes(
    tmp_path: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir)
    store = KnowledgeStore.open(settings, shared_minilm().name)
    text = "The old greenhouse is watered on Thursdays. Reference code OLDCANARY1."
    store.upsert(["old-1"], np.asarray(shared_minilm().embed([text]), dtype=np.float32),
                 [text], [{"path": "/old.md", "source": "/old.md", "title": "Greenhouse"}])
    stranger = Principal(id="user:stranger@example.com")
    for retrieval in ("dense", "lexical"):
        found = searcher(data_dir, retrieval=retrieval).search("greenhouse watered", 1,
                                                               principal=stranger)
        assert found and "OLDCANARY1" in found[0].text, retrieval
    meta = store.collection.get(ids=["old-1"], include=["metadatas"])["metadatas"][0]
    assert meta["readers"] == ["public"]


def test_a_permission_sync_rewrites_readers_without_embedding_anything(
    world: ProbeWorld, tmp_path: Path, data_dir: Path
) -> None:
    doc = next(d for d in world.docs if d.readers[0].startswith("group:"))
    member = world.principal(world.groups[doc.readers[0][6:]][0])
    search = searcher(data_dir)
    assert any(doc.canary in p.text for p in search.search(doc.question(), TOP, principal=member))
    before = vectors(data_dir)
    doc.readers = ["user:someone-else@example.com"]  # revoked at the source
    assert sync_readers(kb_settings(data_dir), world) >= 1
    assert vectors(data_dir) == before  # same chunks, same vectors: nothing re-embedded
    for retrieval in ("hybrid", "lexical"):
        found = searcher(data_dir, retrieval=retrieval).search(doc.question(), TOP,
                                                               principal=member)
        assert all(doc.canary not in p.text for p in found), retrieval


def test_a_source_whose_permissions_failed_is_readable_by_nobody(
    world: ProbeWorld, tmp_path: Path, data_dir: Path
) -> None:
    settings = kb_settings(data_dir)
    public_doc = next(d for d in world.docs if d.readers == ["public"])
    store = KnowledgeStore.open(settings, shared_minilm().name, write=True)
    try:
        closed = close_source(store, open_index(settings, settings.kb.collection),
                              str(tmp_path / "docs"))
    finally:
        store.close()
    assert closed == sum(d.readers != ["nobody"] for d in world.docs)  # one chunk each
    anyone = Principal(id="user:u0@example.com")
    found = searcher(data_dir).search(public_doc.question(), TOP, principal=anyone)
    assert found == []
    unfiltered = searcher(data_dir).search(public_doc.question(), TOP)
    assert any(public_doc.canary in p.text for p in unfiltered)


def vectors(data_dir: Path) -> dict[str, list[float]]:
    store = KnowledgeStore.open(kb_settings(data_dir), shared_minilm().name)
    got = store.collection.get(include=["embeddings"])
    return {i: [round(float(x), 6) for x in v] for i, v in zip(got["ids"], got["embeddings"],
                                                                strict=True)}
