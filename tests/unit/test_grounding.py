"""The grounding check flags answers the passages do not support, and only those."""

from __future__ import annotations

from agents.grounding import support, weak_grounding_note
from contracts.events import Source

PASSAGE = Source(n=1, source="docs/slack.md", heading="Install it",
                 text="Create the Slack app from the manifest, install it to the workspace, "
                      "then copy the bot token and the app token into the environment.")


def test_an_answer_built_from_the_passage_is_supported() -> None:
    answer = "Create the Slack app from the manifest, then copy the bot token and app token [1]."
    assert support(answer, [PASSAGE]) > 0.8
    assert weak_grounding_note(answer, [PASSAGE]) is None


def test_an_invented_answer_gets_a_note_quoting_the_best_passage() -> None:
    answer = "Use boto3 to create an AWS Lambda function and send messages through Amazon SNS."
    note = weak_grounding_note(answer, [PASSAGE])
    assert note is not None
    assert "[1] docs/slack.md — Install it" in note
    assert "Create the Slack app from the manifest" in note


def test_no_passages_means_nothing_to_check() -> None:
    assert weak_grounding_note("Anything at all, invented freely.", []) is None
