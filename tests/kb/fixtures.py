"""Pytest fixtures for knowledge-base tests (import them into a test module to use them)."""

from __future__ import annotations

import pytest

from config import Settings
from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm
from tools.search_knowledge import SearchKnowledge


@pytest.fixture(name="kb_ready", scope="module")
def kb_ready_fixture(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose knowledge base holds the test corpus (search tool enabled); ingested
    once per test module, so tests using it must only read the knowledge base."""
    root = tmp_path_factory.mktemp("kb_ready")
    settings = kb_settings(root / "kbdata")
    ingest(settings, [write_corpus(root / "corpus")], embedder=shared_minilm(), progress=False)
    return settings


@pytest.fixture(name="search_tool")
def search_tool_fixture(kb_ready: Settings) -> SearchKnowledge:
    return SearchKnowledge(Searcher(kb_ready, embedder=shared_minilm()))
