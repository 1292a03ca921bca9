"""How ``bot eval answers`` scores one answer: facts, coverage, unsupported sentences."""

from __future__ import annotations

from agents.checked import NOT_COVERED
from agents.extractive import LEAD
from apps.eval.answers import AnswerCase, Asked
from apps.eval.answers_score import score, unsupported_sentences
from contracts.events import Source

SLACK = Source(n=1, source="docs/slack.md", heading="Slack › 2. Install it", score=0.5,
               text="1. Copy the Bot User OAuth Token",
               section="1. **Install App.** Copy the **Bot User OAuth Token**\n   (`xoxb-…`).")
CASE = AnswerCase(id="slack", question="Which token?", sources=["slack.md"], facts=["xoxb"])


async def test_a_quote_of_the_whole_section_is_supported_and_states_the_fact() -> None:
    quoted = f"{LEAD}\n\n[1] slack.md — 2. Install it:\n\n1. **Install App.** Copy the " \
             "**Bot User OAuth Token** (`xoxb-…`).\n\nSee also [2] api.md — Clients."
    result = await score(CASE, Asked(answer=quoted, sources=[SLACK]), None, 0.8)
    assert result.correct and result.source_cited and result.facts_stated == 1, result


async def test_an_invented_sentence_is_unsupported_and_a_missing_fact_is_not_stated() -> None:
    answer = "Copy the Bot User OAuth Token [1]. Then restart the Kubernetes ingress pods [1]."
    result = await score(CASE, Asked(answer=answer, sources=[SLACK]), None, 0.8)
    assert result.unsupported == ["Then restart the Kubernetes ingress pods [1]."]
    assert result.facts_stated == 0 and not result.correct


async def test_saying_the_documents_do_not_cover_it_is_right_only_when_they_do_not() -> None:
    uncovered = AnswerCase(id="capital", question="Capital of France?", covered=False)
    said = Asked(answer=f"{NOT_COVERED}Paris.")
    assert (await score(uncovered, said, None, 0.8)).correct
    assert not (await score(CASE, said, None, 0.8)).coverage_right
    assert unsupported_sentences(said, 0.8) == []
