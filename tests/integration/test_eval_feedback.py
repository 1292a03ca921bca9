"""``bot eval feedback``: 👎 answers asked again and judged new vs old, in both orders."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from config import load_settings
from tests.fakes.feedback_models import IMPROVED
from tests.fakes.team_usage import VPN_QUESTION, play_week, team_bot
from tests.integration.eval_helpers import PROFILES, run_cli

FEEDBACK = "tests.fakes.feedback_models"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A store holding a week of use (one 👎 with a comment) and a bot.toml whose primary
    model is the improved one."""
    settings = load_settings(data_dir=tmp_path / "data", tools=[], agent="tools")

    async def play() -> None:
        bot = team_bot(settings)
        await play_week(bot)
        await bot.aclose()

    asyncio.run(play())
    profiles = {**PROFILES,
                "improved": {"kind": "function", "function": f"{FEEDBACK}:improved_answer"},
                "handbook_judge": {"kind": "function",
                                   "function": f"{FEEDBACK}:prefers_the_handbook"}}
    lines = [f'data_dir = "{tmp_path / "data"}"', 'tools = ["calculator"]',
             '[roles]', 'primary = "improved"', 'judge = "handbook_judge"']
    for name, profile in profiles.items():
        lines.append(f"[profiles.{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in profile.items()]
    path = tmp_path / "bot.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_thumbs_down_answer_is_asked_again_and_the_new_one_wins(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    code, stdout, _ = run_cli(capsys, "--config", str(config), "eval", "feedback",
                              "--out", str(out), "--no-progress")
    assert code == 0
    header, _, row, _, case = stdout.splitlines()[:5]
    assert "new wins" in header and "old wins" in header
    assert row.split()[:5] == ["handbook_judge", "1", "100.0%", "0.0%", "0.0%"]
    assert " 0/2/0/0 " in row  # both verdicts read by the rules ("The first one is better")
    assert case.startswith("WIN") and VPN_QUESTION in case and "it should know" in case
    [answer] = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    assert answer["answer"] == IMPROVED
    [item] = json.loads((out / "report.json").read_text())["cases"]
    assert "ada.lovelace@example.com" in item["case"]["old_answer"]


def test_a_judge_that_follows_the_position_shows_as_bias(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, _ = run_cli(capsys, "--config", str(config), "eval", "feedback", "--backend",
                              "always_a", "--out", str(tmp_path / "run"), "--no-progress")
    assert code == 0
    row = stdout.splitlines()[2].split()
    assert row[:5] == ["always_a", "1", "0.0%", "0.0%", "100.0%"] and "→" in row


def test_the_production_store_gains_no_eval_turns(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    from stores import open_store

    store = open_store(None, settings.data_dir)
    before = store.keys()
    store.close()
    run_cli(capsys, "--config", str(config), "eval", "feedback", "--out", str(tmp_path / "run"),
            "--no-progress")
    store = open_store(None, settings.data_dir)
    assert store.keys() == before
    store.close()


def test_no_thumbs_down_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'data_dir = "{tmp_path / "empty"}"\n')
    code, stdout, _ = run_cli(capsys, "--config", str(config), "eval", "feedback",
                              "--out", str(tmp_path / "run"), "--no-progress")
    assert code == 0 and "No answer rated 👎" in stdout
