"""Shared set-up for ``bot eval`` tests: a bot.toml with judge profiles, and running the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apps.cli.main import main

JUDGES = "tests.fakes.eval_judges"
PROFILES: dict[str, dict[str, Any]] = {
    "always_a": {"kind": "scripted", "replies": ["A"]},
    "always_b": {"kind": "scripted", "replies": ["Answer: B"]},
    "judge_ok": {"kind": "function", "function": f"{JUDGES}:correct_judge"},
    "verbose_ok": {"kind": "function", "function": f"{JUDGES}:verbose_correct_judge"},
    "hedging": {"kind": "function", "function": f"{JUDGES}:extractor_needed_judge"},
    "flaky": {"kind": "function", "function": f"{JUDGES}:flaky_judge", "retry_backoff_s": 0.0},
    "broken": {"kind": "function", "function": f"{JUDGES}:broken_on_item_2"},
    "slow_ok": {"kind": "function", "function": f"{JUDGES}:slow_correct_judge"},
    "counting": {"kind": "function", "function": f"{JUDGES}:counting_judge"},
    "shaped": {"kind": "function", "function": f"{JUDGES}:shaped_judge"},
    "shapeless": {"kind": "function", "function": f"{JUDGES}:shaped_judge",
                  "fixed_shape": "none"},
    "down": {"kind": "function", "function": f"{JUDGES}:always_down", "retry_backoff_s": 0.0,
             "fallbacks": ["always_a"]},
}


def write_config(tmp_path: Path, **eval_section: Any) -> Path:
    """A bot.toml with the judge profiles above and a private data dir."""
    lines = [f'data_dir = "{tmp_path / "data"}"', 'tools = ["calculator"]', ""]
    for name, profile in PROFILES.items():
        lines.append(f"[profiles.{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in profile.items()]
    lines += ["", "[eval]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in eval_section.items()]
    path = tmp_path / "bot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "report.json").read_text())


def rows(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["env"], r["backend"]): r for r in report(out)["results"]}


def result_lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
