"""``bot eval answers`` on the embedded SmolLM2-135M over the bundled docs, offline: the
sample question file's first question and a general one, scored end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.eval.answers import load_answer_cases
from apps.eval.answers_run import run_config
from config import load_settings
from knowledge.default_docs import BUNDLE
from knowledge.ingest import ingest
from tests.kb.helpers import shared_minilm

pytestmark = pytest.mark.embedded
SAMPLE = Path(__file__).resolve().parents[2] / "config" / "sample_answers.json"


async def test_the_sample_questions_are_scored_on_the_embedded_model(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    chosen = [c for c in json.loads(SAMPLE.read_text()) if c["id"] in ("slack-connect",
                                                                        "capital")]
    data = tmp_path / "questions.json"
    data.write_text(json.dumps(chosen))
    settings = load_settings(data_dir=tmp_path / "data", agent="pipeline",
                             tools=["search_knowledge", "calculator"],
                             profiles={"local": {"max_tokens": 128}}, eval={"concurrency": 1})
    ingest(settings, [BUNDLE], embedder=shared_minilm(), progress=False)
    run = await run_config(settings, load_answer_cases(data), "local")
    slack, capital = run.scores
    assert slack.source_cited and slack.facts_stated == slack.facts_total == 1, slack
    assert slack.coverage_right and slack.unsupported == [], slack
    assert capital.coverage_right and capital.error is None, capital
    assert all(s.latency_s > 0 and s.tokens > 0 for s in run.scores)
