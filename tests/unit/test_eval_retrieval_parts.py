"""The retrieval eval's metrics and questions file, without a knowledge base."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from apps.eval.retrieval_data import DataError, load_questions
from apps.eval.retrieval_metrics import Retrieved, first_relevant_ranks, score


def ranked(*sources: str) -> list[Retrieved]:
    return [Retrieved(s, "") for s in sources]


def test_hit_mrr_and_ndcg_of_an_answer_at_rank_two() -> None:
    ranks = first_relevant_ranks(ranked("docs/a.html", "docs/b.html", "docs/c.html"),
                                 ["b.html"], None, k=4)
    scores = score(ranks, relevant_count=1, k=4)
    assert ranks == [2]
    assert (scores.hit, scores.mrr) == (1.0, 0.5)
    assert scores.ndcg == pytest.approx(1 / math.log2(3))


def test_passages_of_the_same_page_count_once() -> None:
    ranks = first_relevant_ranks(ranked("b.html", "b.html", "a.html"), ["b.html"], None, k=4)
    assert ranks == [1]
    assert score(ranks, 1, 4).ndcg == 1.0


def test_an_answer_below_k_is_a_miss() -> None:
    ranks = first_relevant_ranks(ranked("a", "c", "d", "e", "b.html"), ["b.html"], None, k=4)
    assert score(ranks, 1, 4) == score([], 1, 4)
    assert score([], 1, 4).hit == 0.0


def test_a_heading_narrows_what_counts() -> None:
    items = [Retrieved("b.html", "Intro"), Retrieved("b.html", "Setup › Slack")]
    assert first_relevant_ranks(items, ["b.html"], "slack", k=4) == [2]


def test_a_source_matches_whole_path_parts_only() -> None:
    assert first_relevant_ranks(ranked("docs/sub.html"), ["b.html"], None, 4) == []
    assert first_relevant_ranks(ranked("docs/b.html"), ["docs/b.html"], None, 4) == [1]


def test_questions_file_as_list_or_object_gets_ids(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps([{"question": "Where?", "source": "a.md"},
                                {"question": "Who?", "source": ["b.md", "c.md"]}]))
    data = load_questions(path)
    assert [q.id for q in data.questions] == ["q1", "q2"]
    assert data.questions[1].source == ["b.md", "c.md"]


def test_a_question_without_a_source_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"questions": [{"question": "Where?"}]}))
    with pytest.raises(DataError, match=r"questions\.0\.source.*Fix"):
        load_questions(path)


def test_a_file_that_is_not_json_says_so(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text("question: where?")
    with pytest.raises(DataError, match="not JSON"):
        load_questions(path)
