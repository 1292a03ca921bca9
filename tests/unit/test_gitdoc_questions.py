"""The held-out retrieval questions (Git manual) load as ``bot eval retrieval`` reads them."""

from __future__ import annotations

from apps.eval.retrieval_data import load_questions
from benchmarks.git_corpus import QUESTIONS


def test_the_git_manual_questions_load_with_unique_ids_and_html_sources() -> None:
    questions = load_questions(QUESTIONS).questions
    assert len(questions) >= 50
    assert len({q.id for q in questions}) == len(questions)
    assert all(s.endswith(".html") for q in questions for s in q.source)
