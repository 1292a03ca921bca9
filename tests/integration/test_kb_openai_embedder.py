"""The ``openai`` embedder against a real OpenAI-compatible HTTP server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from config import load_settings
from knowledge.embedder import build_embedder
from knowledge.errors import EmbeddingFailed
from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.fakes.openai_server import (
    FakeOpenAI,
    openai_server_fixture,  # noqa: F401  (fixture)
)
from tests.kb.corpus import write_corpus


def openai_kb_settings(data_dir: Path, server: FakeOpenAI, batch: int = 4):  # type: ignore[no-untyped-def]
    profile = {
        "kind": "openai",
        "base_url": server.base_url,
        "model": "chat",
        "api_key": "sk-test-embeddings",
        "max_retries": 0,
    }
    return load_settings(
        data_dir=data_dir,
        tools=["search_knowledge"],
        profiles={"embeddings": profile},
        kb={
            "embedder": "openai",
            "embedding_profile": "embeddings",
            "embedding_model": "fake-embed",
            "embed_batch_size": batch,
        },
    )


def embedding_calls(server: FakeOpenAI) -> list[list[str]]:
    return [r.body["input"] for r in server.requests if r.path == "/v1/embeddings"]


def test_ingest_batches_requests_and_search_finds_passages(
    tmp_path: Path, openai_server: FakeOpenAI
) -> None:
    settings = openai_kb_settings(tmp_path / "data", openai_server)
    report = ingest(settings, [write_corpus(tmp_path / "corpus")], progress=False)
    calls = embedding_calls(openai_server)
    assert report.embedded > 4 and max(len(c) for c in calls) == 4
    assert sum(len(c) for c in calls) == report.embedded
    assert all(
        r.headers.get("Authorization") == "Bearer sk-test-embeddings"
        for r in openai_server.requests
    )
    hits = Searcher(settings).search("espresso machine descaled Friday", min_score=0.0)
    assert hits and hits[0].source.endswith("kitchen.html")


def test_the_collection_remembers_its_embedder(tmp_path: Path, openai_server: FakeOpenAI) -> None:
    settings = openai_kb_settings(tmp_path / "data", openai_server)
    ingest(settings, [write_corpus(tmp_path / "corpus")], progress=False)
    minilm = settings.model_copy(
        update={"kb": settings.kb.model_copy(update={"embedder": "minilm"})}
    )
    from knowledge.errors import EmbedderMismatch

    with pytest.raises(EmbedderMismatch, match="--collection"):
        ingest(minilm, [tmp_path / "corpus"], progress=False)


def test_a_server_error_names_the_embedder(tmp_path: Path, openai_server: FakeOpenAI) -> None:
    openai_server.api_key = "another-key"
    embedder = build_embedder(openai_kb_settings(tmp_path / "data", openai_server))
    with pytest.raises(EmbeddingFailed, match="openai:fake-embed"):
        embedder.embed(["hello"])


def test_failed_embedding_requests_are_retried_by_our_policy_not_the_sdk(
    tmp_path: Path, openai_server: FakeOpenAI
) -> None:
    settings = openai_kb_settings(tmp_path / "data", openai_server)
    retrying = settings.profiles["embeddings"].model_copy(
        update={"max_retries": 2, "retry_backoff_s": 0.01})
    settings.profiles["embeddings"] = retrying
    embedder = build_embedder(settings)
    openai_server.fail("unavailable", times=None)
    with capture_logs() as logs, pytest.raises(EmbeddingFailed, match="openai:fake-embed"):
        embedder.embed(["hello"])
    assert len(embedding_calls(openai_server)) == 3  # 1 + max_retries: no SDK retries on top
    assert [e["event"] for e in logs] == ["llm_retry", "llm_retry", "llm_give_up"]
    openai_server.fail("unavailable", times=1)
    assert embedder.embed(["hello again"]).shape[0] == 1  # a passing failure is retried away


def test_a_hosted_embeddings_api_without_a_key_names_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = load_settings(data_dir=tmp_path / "data", kb={"embedder": "openai"})
    with pytest.raises(EmbeddingFailed, match="OPENAI_API_KEY"):
        build_embedder(settings)
