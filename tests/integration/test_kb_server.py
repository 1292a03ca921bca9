"""Chroma server mode: ``kb.url`` makes the bot use HttpClient against a real ``chroma run``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.errors import StoreUnavailable
from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.fakes.chroma_server import chroma_command
from tests.fakes.chroma_server import chroma_server as running_chroma
from tests.kb.corpus import write_corpus
from tests.kb.helpers import CountingEmbedder, kb_settings, shared_minilm


@pytest.fixture
def chroma_server(tmp_path: Path, free_port: int) -> Iterator[str]:
    if chroma_command() is None:
        pytest.skip("the chroma CLI is not installed")
    with running_chroma(tmp_path / "server", free_port) as url:
        yield url


def test_ingest_and_search_through_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    settings = kb_settings(tmp_path / "local", url=chroma_server)
    corpus = write_corpus(tmp_path / "corpus")
    report = ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    assert len(report.ingested) == 6 and report.where == chroma_server
    assert not (tmp_path / "local" / "chroma").exists(), "nothing was written locally"
    again = ingest(
        settings, [corpus], embedder=(counting := CountingEmbedder(shared_minilm())), progress=False
    )
    assert len(again.unchanged) == 6 and counting.embedded == []
    hits = Searcher(settings, embedder=shared_minilm()).search("how many days of paid leave", 1)
    assert hits[0].source.endswith("vacation.md")


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path, free_port: int) -> None:
    settings = kb_settings(tmp_path / "d", url=f"http://127.0.0.1:{free_port}")
    with pytest.raises(StoreUnavailable) as caught:
        ingest(settings, [tmp_path], embedder=shared_minilm(), progress=False)
    assert "kb.url" in str(caught.value) and "chroma run" in str(caught.value)


def test_every_replica_gets_hybrid_search_from_the_shared_server(
    tmp_path: Path, chroma_server: str
) -> None:
    """The ingesting machine and a second replica (its own data dir, nothing ingested there)
    both find the page that defines an exact setting: the replica builds its lexical index
    from the server's chunks, and catches up when the server changes."""
    from tests.kb.identifier_corpus import ANSWER, QUESTION, write_identifier_pages

    corpus = write_identifier_pages(write_corpus(tmp_path / "corpus"))
    writer = kb_settings(tmp_path / "writer", url=chroma_server)
    ingest(writer, [corpus], embedder=shared_minilm(), progress=False)
    replica = Searcher(kb_settings(tmp_path / "replica", url=chroma_server),
                       embedder=shared_minilm())
    assert replica.search(QUESTION, 1)[0].source.endswith(ANSWER)
    lexical = Searcher(kb_settings(tmp_path / "replica", url=chroma_server, retrieval="lexical"),
                       embedder=shared_minilm())
    assert lexical.search("zucchini lasagne", 1) == []
    (corpus / "faq.md").write_text("# FAQ\n\nThe cafeteria serves zucchini lasagne on Mondays.")
    ingest(writer, [corpus], embedder=shared_minilm(), progress=False)
    assert lexical.search("zucchini lasagne", 1)[0].source.endswith("faq.md")
