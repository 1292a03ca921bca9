"""``bot export finetune``: rated conversations as OpenAI chat fine-tuning JSONL, redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from apps.cli.main import main
from config import Settings
from tests.fakes.team_usage import (
    CALC_QUESTION,
    SECRET_EMAIL,
    SLACK,
    VPN_QUESTION,
    ask,
    play_week,
    team_bot,
)

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "fixtures" /
                     "openai_chat_finetune.schema.json").read_text())


def shout(text: str) -> str:
    """A user's own redaction hook (named on the command line as module:function)."""
    return text.replace("Slack", "[product]")


def check_example(example: dict[str, Any]) -> None:
    """The schema, and what a schema cannot say: call ids answered, the answer last."""
    jsonschema.validate(example, SCHEMA)
    messages = example["messages"]
    assert messages[0]["role"] == "system" and messages[-1]["role"] == "assistant"
    assert messages[-1].get("weight", 1) == 1
    called = {c["id"] for m in messages for c in m.get("tool_calls", [])}
    assert {m["tool_call_id"] for m in messages if m["role"] == "tool"} == called
    for m in messages:
        for call in m.get("tool_calls", []):
            json.loads(call["function"]["arguments"])
    offered = {t["function"]["name"] for t in example.get("tools", [])}
    assert {c["function"]["name"] for m in messages for c in m.get("tool_calls", [])} <= offered


@pytest.fixture
async def week(store_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = store_settings.model_copy(update={"agent": "tools"})
    bot = team_bot(settings)
    await play_week(bot)
    calc = await ask(bot, SLACK, CALC_QUESTION, "ada")
    await bot.session(SLACK).feedback(calc or 0, 1, user="ada")
    await bot.aclose()
    monkeypatch.setenv("BOT_STORE__URL", settings.store.url.get_secret_value())  # type: ignore[union-attr]
    return settings


def export(capsys: pytest.CaptureFixture[str], settings: Settings, *flags: str
           ) -> tuple[int, list[dict[str, Any]], str]:
    code = main(["--data-dir", str(settings.data_dir), "--agent", "tools", "export", "finetune",
                 *flags])
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def test_thumbs_up_answers_become_valid_examples_with_tool_calls(
    week: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, examples, err = export(capsys, week, "--rating", "up")
    # the Slack answer called "handbook", a tool this configuration does not offer
    assert code == 0 and len(examples) == 1
    assert "1 examples (skipped: 1 calls a tool this configuration does not offer)" in err
    [example] = examples
    check_example(example)
    roles = [m["role"] for m in example["messages"]]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user", "assistant",
                     "tool", "assistant"]  # two earlier exchanges in the same thread
    assert [m.get("weight") for m in example["messages"] if m["role"] == "assistant"] == [
        0, 0, 0, 1]
    system = (Path(__file__).resolve().parents[2] / "config" / "prompts" / "default" /
              "system.txt").read_text().strip()
    assert example["messages"][0]["content"] == system
    call = example["messages"][6]["tool_calls"][0]
    assert call["function"]["name"] == "calculator"
    assert json.loads(call["function"]["arguments"]) == {"expression": "17 * 23"}
    assert "391" in example["messages"][7]["content"]
    assert example["messages"][-1]["content"] == "17 × 23 = 391."
    assert [t["function"]["name"] for t in example["tools"]] == ["calculator"]


def test_thumbs_down_export_redacts_email_and_runs_a_users_hook(
    week: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, examples, _ = export(capsys, week, "--rating", "down",
                               "--redact", f"{__name__}:shout")
    assert code == 0 and len(examples) == 1
    text = json.dumps(examples[0]["messages"])
    assert SECRET_EMAIL not in text and "[email]" in text
    assert VPN_QUESTION in text
    assert "Slack" not in text and "[product]" in text
    check_example(examples[0])
    history = [m for m in examples[0]["messages"] if m.get("weight") == 0 and "content" in m]
    assert history and history[0]["content"].startswith("Create the [product] app")


def test_keep_turns_a_built_in_redaction_off(
    week: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _, examples, _ = export(capsys, week, "--rating", "down", "--keep", "email")
    assert SECRET_EMAIL in json.dumps(examples[0])


def test_a_hook_that_cannot_load_names_the_flag_and_the_fix(
    week: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = export(capsys, week, "--redact", "no_such_module:scrub")
    assert code == 2 and "--redact 'no_such_module:scrub'" in err and "Fix:" in err


def test_builtin_patterns_catch_phones_and_keys() -> None:
    from apps.export.redaction import build_redactor

    redact = build_redactor(["email", "phone", "keys"], [])
    said = "Call +44 20 7946 0958 or mail bo@x.io; key sk-proj-AbCdEf0123456789xyz; 17 * 23"
    assert redact(said) == "Call [phone] or mail [email]; key [key]; 17 * 23"
