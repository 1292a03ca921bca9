"""The verdict sets written apart from test_extractor.py: the rules read every phrased
verdict of the first set, never give a wrong label, and never pick a label from a hedge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from judging.label_rules import extract_label

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WIDENED = json.loads((FIXTURES / "judge_verdicts.json").read_text())["verdicts"]
FRESH = json.loads((FIXTURES / "judge_verdicts_fresh.json").read_text())["verdicts"]


def _id(v: dict) -> str:
    return f"{v['kind']}: {v['text'][:50]}"


def test_the_set_is_large_and_mixes_every_kind_of_phrasing() -> None:
    decided = [v for v in WIDENED if v["expected"] is not None]
    assert len(decided) >= 40
    assert {v["kind"] for v in WIDENED} == {
        "preference", "comparison", "parenthesis", "ordinal", "other", "hedge"}


@pytest.mark.parametrize("verdict", [v for v in WIDENED if v["expected"]], ids=_id)
def test_rules_read_phrased_verdicts(verdict: dict) -> None:
    assert extract_label(verdict["text"], verdict["labels"]) == verdict["expected"]


@pytest.mark.parametrize("verdict", [v for v in WIDENED + FRESH if not v["expected"]], ids=_id)
def test_rules_never_pick_a_label_from_a_hedge(verdict: dict) -> None:
    assert extract_label(verdict["text"], verdict["labels"]) is None


@pytest.mark.parametrize("verdict", [v for v in FRESH if v["expected"]], ids=_id)
def test_on_unseen_verdicts_the_rules_are_right_or_leave_it_to_the_llm(verdict: dict) -> None:
    assert extract_label(verdict["text"], verdict["labels"]) in (verdict["expected"], None)
