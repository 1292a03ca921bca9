"""``bot eval pairwise``: accuracy and position bias per (environment, backend), on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import eval_judges
from tests.fakes.eval_judges import write_pairs
from tests.integration.eval_helpers import report, result_lines, rows, run_cli, write_config

SAMPLE = Path(__file__).resolve().parents[2] / "config" / "sample_pairs.json"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_pairs(tmp_path / "pairs.json", 10)


def pairwise(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--config", str(config), "eval", "pairwise", *args, "--no-progress")


def test_a_judge_that_always_answers_a_is_all_aa_with_full_bias_towards_a(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, stdout, _ = pairwise(capsys, config, str(data), "--backend", "always_a",
                               "--out", str(out))
    assert code == 0
    row = rows(out)[("default", "always_a")]
    assert (row["aa_pct"], row["bb_pct"], row["accuracy_pct"]) == (100.0, 0.0, 0.0)
    assert (row["bias_pct"], row["bias_towards"]) == (100.0, "A")
    assert row["counts"]["AA"] == 10
    assert "100.0% → A" in stdout and "always_a" in stdout


def test_a_correct_judge_scores_full_accuracy_and_no_bias(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, _, _ = pairwise(capsys, config, str(data), "--backend", "judge_ok",
                          "--backend", "verbose_ok", "--out", str(out))
    assert code == 0
    for backend in ("judge_ok", "verbose_ok"):
        row = rows(out)[("default", backend)]
        assert (row["accuracy_pct"], row["bias_pct"], row["other_pct"]) == (100.0, 0.0, 0.0)
        assert row["llm_fallback_pct"] == 0.0


def test_report_files_hold_the_figures(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    pairwise(capsys, config, str(data), "--backend", "always_b", "--out", str(out))
    row = rows(out)[("default", "always_b")]
    assert (row["bb_pct"], row["bias_towards"], row["items"]) == (100.0, "B", 10)
    assert row["input_tokens"] > 0 and row["output_tokens"] > 0
    assert row["latency_p50_s"] is not None and row["latency_p95_s"] is not None
    markdown = (out / "report.md").read_text()
    assert "| default | always_b | 10 | 0.0% | 0.0% | 100.0% | 100.0% → B |" in markdown
    png = (out / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert report(out)["items"] == 10


def test_two_environments_and_two_backends_side_by_side(
    capsys: pytest.CaptureFixture[str], config: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, stdout, _ = pairwise(
        capsys, config, str(SAMPLE), "--env", "judge_answer_first", "--env", "judge_unbiased",
        "--backend", "always_a", "--backend", "always_b", "--out", str(out))
    assert code == 0
    table = rows(out)
    assert set(table) == {(e, b) for e in ("judge_answer_first", "judge_unbiased")
                          for b in ("always_a", "always_b")}
    assert all(r["items"] == 10 for r in table.values())
    assert len(result_lines(out)) == 40
    assert sum("judge_unbiased" in line for line in stdout.splitlines()) == 2


def test_environments_send_their_own_prompts(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    pairwise(capsys, config, str(data), "--env", "judge_unbiased", "--env", "judge_answer_first",
             "--backend", "always_a", "--out", str(out), "--limit", "1")
    replies = {line["env"] for line in result_lines(out)}
    assert replies == {"judge_unbiased", "judge_answer_first"}


def test_extractor_fallback_reads_hedged_verdicts_and_is_reported(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    pairwise(capsys, config, str(data), "--backend", "hedging", "--out", str(out))
    row = rows(out)[("default", "hedging")]
    assert (row["accuracy_pct"], row["llm_fallback_pct"]) == (100.0, 100.0)
    assert {v["path"] for line in result_lines(out) for v in line["verdicts"]} == {"llm"}
    assert row["decided_by"] == {"constrained": 0, "rules": 0, "llm": 20, "none": 0}


def test_the_table_says_how_many_verdicts_the_rules_and_the_llm_read(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    _, stdout, _ = pairwise(capsys, config, str(data), "--backend", "verbose_ok", "--backend",
                            "hedging", "--out", str(tmp_path / "run"))
    header, _, verbose, hedging = stdout.splitlines()[:4]
    assert "read by shape/rules/LLM/none" in header
    assert " 0/20/0/0 " in verbose and " 0/0/20/0 " in hedging


def test_a_backend_that_answers_in_the_fixed_shape_needs_no_extractor_and_one_that_cannot_does(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    _, stdout, _ = pairwise(capsys, config, str(data), "--backend", "shaped", "--backend",
                            "shapeless", "--out", str(out))
    shaped, shapeless = rows(out)[("default", "shaped")], rows(out)[("default", "shapeless")]
    assert shaped["decided_by"] == {"constrained": 20, "rules": 0, "llm": 0, "none": 0}
    assert (shaped["accuracy_pct"], shaped["llm_fallback_pct"]) == (100.0, 0.0)
    assert shapeless["decided_by"] == {"constrained": 0, "rules": 0, "llm": 20, "none": 0}
    assert " 20/0/0/0 " in stdout and " 0/0/20/0 " in stdout


def test_transient_failures_are_retried_by_the_pool_and_persistent_ones_recorded_per_item(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, _, _ = pairwise(capsys, config, str(data), "--backend", "flaky", "--backend", "broken",
                          "--out", str(out))
    assert code == 0
    assert rows(out)[("default", "flaky")]["accuracy_pct"] == 100.0
    broken = rows(out)[("default", "broken")]
    assert (broken["accuracy_pct"], broken["error_pct"]) == (90.0, 10.0)
    failed = [x for x in result_lines(out) if x["outcome"] == "error"]
    assert [(x["item_id"], x["error_type"]) for x in failed] == [("item-2", "LLMAuthError")]


def test_a_backend_is_measured_without_its_fallbacks(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    pairwise(capsys, config, str(data), "--backend", "down", "--out", str(out), "--limit", "2")
    row = rows(out)[("default", "down")]
    assert (row["error_pct"], row["aa_pct"]) == (100.0, 0.0)  # always_a never stood in


def test_concurrency_bounds_the_calls_in_flight(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    eval_judges.in_flight.update(now=0, max=0)
    pairwise(capsys, config, str(data), "--backend", "counting", "--concurrency", "3",
             "--out", str(tmp_path / "run"))
    assert 2 < eval_judges.in_flight["max"] <= 6  # two orders per item, three items at once


def test_an_existing_run_is_not_overwritten_without_resume(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    pairwise(capsys, config, str(data), "--backend", "always_a", "--out", str(out))
    code, _, err = pairwise(capsys, config, str(data), "--backend", "always_a", "--out", str(out))
    assert code == 2 and "--resume" in err
    assert len(result_lines(out)) == 10


def test_bad_field_names_and_unknown_backends_say_the_fix(
    capsys: pytest.CaptureFixture[str], config: Path, data: Path
) -> None:
    code, _, err = pairwise(capsys, config, str(data), "--context-field", "article",
                            "--backend", "always_a")
    assert code == 2 and "'article'" in err and "--context-field" in err
    code, _, err = pairwise(capsys, config, str(data), "--backend", "nope")
    assert code == 2 and "unknown backend profile 'nope'" in err and "always_a" in err
    code, _, err = pairwise(capsys, config, str(data), "--env", "nope", "--backend", "always_a")
    assert code == 2 and "no prompt set 'nope'" in err and "judge_unbiased" in err


def test_configured_field_names_read_other_datasets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path, context_field="doc", correct_field="good",
                          incorrect_field="bad")
    data = tmp_path / "custom.jsonl"
    data.write_text("\n".join(
        f'{{"doc": "Context {i}.", "good": "TRUE-{i}", "bad": "FALSE-{i}"}}' for i in range(4)))
    out = tmp_path / "run"
    code, _, _ = pairwise(capsys, config, str(data), "--backend", "judge_ok", "--out", str(out))
    assert code == 0 and rows(out)[("default", "judge_ok")]["accuracy_pct"] == 100.0
