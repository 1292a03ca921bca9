"""Per-channel Slack policy: how tables merge, what reads as a question, who gets answers,
and what ``bot config show`` prints for them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from apps.cli.config_slack import slack_policy_lines
from config import load_settings
from config.sections import SlackSettings
from config.slack_channels import policy_for
from presenters.slack.inbound import Inbound
from presenters.slack.policy import reads_as_question, should_answer

CHANNELS: dict[str, dict[str, Any]] = {
    "default": {"respond": "questions", "escalate_to": ["S0HELP"]},
    "C0ENG": {"respond": "mention"}, "#support": {"only_when_sourced": True}}


def inbound(kind: str, text: str = "hello there") -> Inbound:
    return Inbound("Ev1", "T1", "C1", "1.0", "U1", text, kind)  # type: ignore[arg-type]


def test_a_channel_table_overrides_only_what_it_names() -> None:
    eng = policy_for(CHANNELS, "C0ENG")
    assert (eng.respond, eng.escalate_to) == ("mention", ["S0HELP"])
    support = policy_for(CHANNELS, "C0SUP", name="support")
    assert (support.respond, support.only_when_sourced) == ("questions", True)
    other = policy_for(CHANNELS, "C0NEW", name="random")
    assert (other.respond, other.only_when_sourced) == ("questions", False)
    assert policy_for({}, "C0NEW").respond == "mention"


def test_questions_are_recognised() -> None:
    assert reads_as_question("Where is the style guide?")
    assert reads_as_question("how do I rotate the key")
    assert not reads_as_question("deploying now")
    assert not reads_as_question("?")
    assert not reads_as_question("thanks all")


def test_who_gets_an_answer_under_each_policy() -> None:
    s = SlackSettings()
    mention, off = policy_for({}, "C1"), policy_for({"C1": {"respond": "off"}}, "C1")
    questions = policy_for({"C1": {"respond": "questions"}}, "C1")
    every = policy_for({"C1": {"respond": "all"}}, "C1")
    assert should_answer(inbound("mention"), mention, False, s)
    assert not should_answer(inbound("mention"), off, False, s)
    assert should_answer(inbound("dm"), off, False, s)  # DMs follow answer_dms
    assert not should_answer(inbound("channel", "Who owns CI?"), mention, False, s)
    assert should_answer(inbound("channel", "Who owns CI?"), questions, False, s)
    assert not should_answer(inbound("channel", "deploying now"), questions, False, s)
    assert should_answer(inbound("channel", "deploying now"), every, False, s)
    assert not should_answer(inbound("followup", "Which version are you on?"), questions,
                             False, s)  # people's own threads are theirs
    assert not should_answer(inbound("followup", "ok"), every, False, s)
    assert should_answer(inbound("followup"), mention, True, s)
    assert not should_answer(inbound("followup"), mention, False, s)
    assert not should_answer(inbound("followup"), mention, True,
                             SlackSettings(answer_followups=False))


@pytest.mark.parametrize(("channels", "names"), [
    ({"general": {}}, 'slack.channels."general" names no channel'),
    ({"C0A": {"respond": "sometimes"}}, 'slack.channels."C0A".respond'),
    ({"C0A": {"escalate_to": ["@oncall"]}}, "is not a Slack user id"),
    ({"C0A": {"ephemeral": True}}, 'slack.channels."C0A".ephemeral'),
])
def test_bad_channel_tables_name_the_field_and_the_fix(channels: dict[str, dict[str, object]],
                                                       names: str) -> None:
    with pytest.raises(ValidationError, match=r"Fix|names no channel|Extra|Input should") as err:
        SlackSettings(channels=channels)
    assert names in str(err.value)


def test_config_show_prints_each_channels_policy() -> None:
    settings = load_settings(presenter="slack", slack={"channels": CHANNELS})
    lines = slack_policy_lines(settings)
    table = "\n".join(lines)
    assert "C0ENG" in table and "#support" in table and "any other channel" in table
    row = next(line for line in lines if line.startswith("#support"))
    assert row.split()[1:3] == ["questions", "yes"] and "S0HELP" in row
    assert slack_policy_lines(load_settings(presenter="terminal")) == []
