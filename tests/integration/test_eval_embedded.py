"""``bot eval pairwise`` on the real embedded model (SmolLM2-135M through llama.cpp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.eval_helpers import report, result_lines, run_cli

pytestmark = pytest.mark.embedded
SAMPLE = Path(__file__).resolve().parents[2] / "config" / "sample_pairs.json"


def test_five_sample_items_on_the_local_model(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, stdout, _ = run_cli(
        capsys, "--data-dir", str(tmp_path / "data"), "eval", "pairwise", str(SAMPLE),
        "--backend", "local", "--env", "judge_answer_first", "--limit", "5", "--max-tokens", "48",
        "--out", str(out), "--no-progress")
    assert code == 0
    [row] = report(out)["results"]
    assert row["items"] == 5 and row["model"]
    shares = ("accuracy_pct", "wrong_pct", "aa_pct", "bb_pct", "other_pct", "error_pct")
    assert sum(row[k] for k in shares) == pytest.approx(100.0, abs=0.5)
    assert row["error_pct"] == 0.0
    assert row["input_tokens"] > 0 and row["output_tokens"] > 0
    assert all(len(line["verdicts"]) == 2 and line["verdicts"][0]["reply"]
               for line in result_lines(out))
    assert "local" in stdout and (out / "report.png").exists()
