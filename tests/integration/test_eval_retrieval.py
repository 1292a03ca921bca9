"""``bot eval retrieval`` end to end: a real collection, the real CLI, the written report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.cli.main import main
from knowledge.ingest import ingest
from tests.kb.corpus import PARAPHRASES, write_corpus
from tests.kb.helpers import kb_settings, shared_minilm
from tests.kb.identifier_corpus import ANSWER, QUESTION, write_identifier_pages


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    items = [{"question": q, "source": s} for q, s in sorted(PARAPHRASES.items())]
    items.append({"id": "ident", "question": QUESTION, "source": ANSWER})
    items.append({"id": "ghost", "question": "Where is the rooftop pool?", "source": "pool.md"})
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({"questions": items}))
    return path


def test_every_configuration_is_scored_side_by_side_with_misses_and_missing_sources(
    tmp_path: Path, questions: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    corpus = write_identifier_pages(write_corpus(tmp_path / "corpus"))
    ingest(kb_settings(data), [corpus], embedder=shared_minilm(), progress=False)
    monkeypatch.setenv("BOT_KB__QUANTIZE", "false")  # the model that built the collection
    out = tmp_path / "report"
    code = main(["--data-dir", str(data), "eval", "retrieval", str(questions),
                 "-k", "1", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "8 questions scored (1 left out), top 1" in printed
    for name in ("dense", "lexical", "hybrid", "hybrid, no identifier boost",
                 "hybrid, no term coverage", "hybrid, no page fusion"):
        assert f"| {name} | " in printed
    assert "| hybrid+rerank | — |" in printed and "kb.rerank_model" in printed
    assert "ghost: 'Where is the rooftop pool?': pool.md is not in collection" in printed
    assert "## Misses of dense" in printed and f"ident: {QUESTION!r}" in printed
    report = json.loads((out / "retrieval.json").read_text())
    scores = {c["name"]: c for c in report["configurations"]}
    missed = {name: {r["id"] for r in c["results"] if not r["hit"]}
              for name, c in scores.items() if c["run"]}
    assert "ident" in missed["dense"] and "ident" not in missed["hybrid"], missed
    assert scores["hybrid, no term coverage"]["hit"] == 1.0, missed
    # counting the question's words costs this paraphrase its top-1 place on the toy corpus
    assert scores["hybrid"]["hit"] >= scores["dense"]["hit"], missed
    assert [q["id"] for q in report["missing_sources"]] == ["ghost"]
    assert (out / "retrieval.md").read_text().startswith("# Retrieval eval")


def test_a_broken_questions_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps([{"question": "no source"}]))
    assert main(["--data-dir", str(tmp_path), "eval", "retrieval", str(path)]) == 2
    assert "source" in capsys.readouterr().err
