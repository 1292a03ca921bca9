"""``bot eval chat``: questions through the presenters' graph, checked, as a pass rate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.eval.chat import ChatPlan, load_cases, run_chat_eval
from backends.scripted import FunctionLLM, ScriptedLLM
from config import Settings
from tests.fakes.eval_judges import chat_bot_reply
from tests.integration.eval_helpers import run_cli

SAMPLE = Path(__file__).resolve().parents[2] / "config" / "sample_chat.json"
CASES: list[dict[str, object]] = [
    {"id": "sum", "question": "What is 17 times 23?", "must_contain": "391"},
    {"id": "no-leak", "question": "Hi", "must_not_contain": ["Hello"]},
    {"id": "judged", "question": "What did I have for breakfast?",
     "expect": "says it does not know"},
]


def write(tmp_path: Path, cases: list[dict[str, object]]) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))
    return path


async def test_cases_pass_or_fail_on_what_the_bot_answered(
    make_bot, settings: Settings, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    judge = ScriptedLLM(default="It says so plainly.\nAnswer: yes")
    bot = make_bot(judge=judge, primary=FunctionLLM(chat_bot_reply))
    plan = ChatPlan(cases=load_cases(write(tmp_path, CASES)), out=tmp_path / "run", progress=False)
    results = {r.case_id: r for r in await run_chat_eval(settings, plan, bot=bot)}
    assert results["sum"].passed and "391" in results["sum"].answer
    assert not results["no-leak"].passed and results["no-leak"].failures == ["contains 'Hello'"]
    assert results["judged"].passed and "Answer: yes" in results["judged"].judge_reply
    judged_prompt = judge.requests[0].messages[-1].content
    assert "breakfast" in judged_prompt and "says it does not know" in judged_prompt


async def test_an_unmet_expectation_fails_the_case(
    make_bot, settings: Settings, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    bot = make_bot(judge=ScriptedLLM(default="No, it invents an omelette.\nAnswer: no"),
                   primary=FunctionLLM(chat_bot_reply))
    plan = ChatPlan(cases=load_cases(write(tmp_path, CASES[2:])), out=tmp_path / "run",
                    progress=False)
    [result] = await run_chat_eval(settings, plan, bot=bot)
    assert not result.passed and "expectation not met" in result.failures[0]


def test_bot_eval_chat_prints_the_pass_rate_and_fails_the_exit_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\ntools = ["calculator"]\n'
        '[roles]\nprimary = "chatty"\njudge = "yes_judge"\n'
        '[profiles.chatty]\nkind = "function"\n'
        'function = "tests.fakes.eval_judges:chat_bot_reply"\n'
        '[profiles.yes_judge]\nkind = "scripted"\nreplies = ["Answer: yes"]\n'
    )
    cases = write(tmp_path, [*json.loads(SAMPLE.read_text()),
                             {"id": "wrong", "question": "Hi", "must_contain": "goodbye"}])
    out = tmp_path / "run"
    code, stdout, _ = run_cli(capsys, "--config", str(config), "eval", "chat", str(cases),
                              "--out", str(out), "--no-progress")
    assert code == 1
    assert "PASS  arithmetic" in stdout and "FAIL  wrong" in stdout
    assert "missing 'goodbye'" in stdout and "3/4 passed (75.0%)" in stdout
    assert "judge verdicts constrained: 0, read by rules: 1, by the LLM: 0, by none: 0" in stdout
    report = json.loads((out / "report.json").read_text())
    assert (report["passed"], report["total"]) == (3, 4)
    keys = {line for line in (out / "results.jsonl").read_text().splitlines()}
    assert len(keys) == 4
