"""Budgets and spaces in the settings: units read as written, bad values name the field
and the fix, and `bot config show` says what applies where."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from apps.cli.runtime import describe_validation_error
from config import load_settings


def error_for(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        load_settings(**overrides)
    return describe_validation_error(caught.value)


def test_amounts_are_read_in_the_units_they_are_written_in() -> None:
    b = load_settings(budgets={
        "user": {"tokens_per_day": "200k", "tokens_per_month": "1.5M tokens",
                 "cost_per_day": "$2.50", "cost_per_month": "20 USD", "requests": "20 per min"},
        "global": {"cost_per_month": 500, "tokens_per_day": "1,000,000"},
    }).budgets
    assert (b.user.tokens_per_day, b.user.tokens_per_month) == (200_000, 1_500_000)
    assert (b.user.cost_per_day, b.user.cost_per_month) == (2.5, 20.0)
    assert b.user.requests == "20/minute" and b.user.rate_window_s == 60
    assert b.global_.cost_per_month == 500.0 and b.global_.tokens_per_day == 1_000_000


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("tokens_per_day", "-5k", "budgets.user.tokens_per_day = '-5k': a budget cannot be negative"),
    ("tokens_per_day", "200kb", "budgets.user.tokens_per_day = '200kb': unknown unit 'kb'"),
    ("cost_per_month", -1, "budgets.user.cost_per_month = -1: a budget cannot be negative"),
    ("cost_per_day", "3 EUR", "budgets.user.cost_per_day = '3 EUR': unknown unit 'EUR'"),
    ("requests", "5/fortnight", "budgets.user.requests = '5/fortnight': unknown period"),
    ("requests", "20", "budgets.user.requests = '20': '20' is not a rate"),
])
def test_a_bad_budget_names_the_field_and_the_fix(field: str, value: Any, expected: str) -> None:
    message = error_for(budgets={"user": {field: value}})
    assert expected in message and "Fix: write" in message


def test_a_bad_budget_from_the_environment_is_reported_the_same_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_BUDGETS__GLOBAL__COST_PER_DAY", "-$3")
    message = error_for()
    assert "budgets.global.cost_per_day = '-$3': a budget cannot be negative" in message


def test_an_unknown_time_zone_is_refused_with_the_fix() -> None:
    message = error_for(budgets={"timezone": "Mars/Olympus"})
    assert "budgets.timezone" in message and "Fix: use an IANA name" in message


@pytest.mark.parametrize(("spaces", "expected"), [
    ({"s": {"members": ["slak:C1"]}}, "'slak:C1' names no place the bot answers in. Fix:"),
    ({"s": {"members": ["slack:C1"], "primary": "nope"}},
     "spaces.s.primary = 'nope' names no profile. Fix: use one of"),
    ({"a": {"members": ["slack:C1"]}, "b": {"members": ["gradio:x", "slack:C1"]}},
     "'slack:C1' is in both spaces.a and spaces.b. Fix: list it in one space only"),
    ({"s": {"members": ["terminal"], "prompts": {"sytem": "hi"}}},
     "no prompt named 'sytem'. Fix: use one of"),
    ({"s": {"members": ["terminal"], "budget": {"cost_per_day": "-1"}}},
     "spaces.s.budget.cost_per_day = '-1': a budget cannot be negative"),
    ({"a:b": {"members": ["terminal"]}}, "a space name may hold only letters"),
])
def test_a_bad_space_names_the_field_and_the_fix(spaces: dict[str, Any], expected: str) -> None:
    assert expected in error_for(spaces=spaces)


def test_config_show_says_what_applies_where(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(
        '[budgets]\nadmins = ["U0ADMIN"]\ncontact = "#bot-admins"\n'
        '[budgets.user]\nrequests = "20/minute"\n[budgets.space]\ntokens_per_day = "60k"\n'
        '[budgets.global]\ncost_per_month = "$500"\n'
        '[spaces.support]\nmembers = ["slack:C0123", "gradio:alice"]\n'
        'collection = "support-docs"\nprimary = "openai"\nbudget = { cost_per_day = "$5" }\n'
        '[spaces.support.prompts]\nsystem = "You are the support team\'s assistant."\n')
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "config", "show"],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    table = run.stdout.split("# what applies where\n", 1)[1].splitlines()
    assert table[1].split() == ["slack:C0123", "support", "support-docs", "openai", "system",
                                "$5.00", "a", "day", "(shared)"]
    assert table[2].split()[:2] == ["gradio:alice", "support"]
    assert " ".join(table[3].split()) == \
        "any other place - docs local - 60,000 tokens a day each"
    assert "each user: 20 requests a minute; all turns together: $500.00 a month" in run.stdout
    assert "exempt: U0ADMIN; to raise a limit: #bot-admins" in run.stdout
    lines = {line.split(" = ")[0]: line for line in run.stdout.splitlines()}
    assert lines["budgets.global.cost_per_month"].endswith("# bot.toml")
    assert "profiles.openai.model" in lines  # a profile only a space uses is shown
