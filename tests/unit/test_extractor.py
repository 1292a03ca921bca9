"""The answer extractor: verbose replies -> one allowed label, or ``other``."""

from __future__ import annotations

import pytest

from backends.scripted import Reply, ScriptedLLM
from bot.completer import MeteredCompleter
from bot.prompts import PromptLibrary
from contracts.llm_errors import LLMServerError
from judging.extractor import AnswerExtractor, extract_label

AB = ["A", "B"]
YES_NO = ["yes", "no"]

CASES: list[tuple[str, list[str], str | None]] = [
    # the whole reply is a label
    ("A", AB, "A"),
    ("b", AB, "B"),
    ("  **B.**  ", AB, "B"),
    ("(A)", AB, "A"),
    ("Summary B", AB, "B"),
    ("'yes'", YES_NO, "yes"),
    ("NO!", YES_NO, "no"),
    ("y", YES_NO, "yes"),
    # answer markers
    ("Answer: B", AB, "B"),
    ("answer - a", AB, "A"),
    ("The correct answer is A: the article says the mayor resigned. Summary B is "
     "inconsistent because it claims he was fired.", AB, "A"),
    ("After weighing both, my verdict: **Summary B**.", AB, "B"),
    ("I would choose A, since it matches the article.", AB, "A"),
    ("The better summary is B.", AB, "B"),
    ("Answer: A\n\nWait, re-reading it.\nFinal answer: B", AB, "B"),
    ("Final answer: A. Some say the answer is B, but no.", AB, "A"),
    ("The answer is: yes, the claim is supported.", YES_NO, "yes"),
    ("Answer: false", YES_NO, "no"),
    # bold
    ("Looking at both, the one that fits is **A** because of the dates.", AB, "A"),
    # the final line
    ("Summary A adds a date the article does not give.\nSummary B matches.\n\nB", AB, "B"),
    ("Let me think step by step about it.\nThe article mentions three people.\nA.", AB, "A"),
    # the first line (answer-first prompts)
    ("B. Summary A invents a number.", AB, "B"),
    ("A\nReason: it keeps the quote intact.", AB, "A"),
    ("Yes, the article says exactly that.", YES_NO, "yes"),
    ("No. The article never mentions a fine.", YES_NO, "no"),
    # statements about the candidates
    ("Summary A is inconsistent with the article, it changes the year.", AB, "B"),
    ("Looking closely, B is correct and A invents a person.", AB, "B"),
    ("It is not A.", AB, "B"),
    ("**Summary A** is consistent while **Summary B** is not.", AB, "A"),
    ("Summary A: inconsistent (wrong year).\nSummary B: consistent.", AB, "B"),
    ("The article supports A is the more accurate reading here.", AB, "A"),
    # the only label mentioned
    ("I think summary A captures the meaning faithfully and nothing more.", AB, "A"),
    ("That is true.", YES_NO, "yes"),
    ("A summary should keep the facts of the article; this one by B keeps them.", AB, "B"),
    # case and punctuation of other label sets
    ("Category: Billing.", ["billing", "technical", "other"], "billing"),
    ("i'd say TECHNICAL", ["billing", "technical"], "technical"),
    ("Label: not-enough-info", ["supported", "refuted", "not enough info"], "not enough info"),
    # router-style labels, including one that is also a designator word
    ("answer", ["search", "answer", "chat"], "answer"),
    ("Route: search", ["search", "answer", "chat"], "search"),
    ("Intent: **chat**", ["search", "answer", "chat"], "chat"),
    ("The user asks about the onboarding guide in the team's documents, which the bot can "
     "look up, so the route is obvious — search.", ["search", "answer", "chat"], "search"),
    # undecided
    ("", AB, None),
    ("Both summaries are equally good.", AB, None),
    ("Neither A nor B is consistent with the article.", AB, None),
    ("A summary should be faithful to its article.", AB, None),
    ("A Leeds baker won a regional award for her rye sourdough.", AB, None),
    ("Summary A is good. Summary B is also good.", AB, None),
    ("I cannot decide between A and B.", AB, None),
    ("There is no doubt that the claim needs more context before anyone decides.",
     YES_NO, None),
    ("It depends on the definition.", YES_NO, None),
]

PROMPTS = PromptLibrary()
EXTRACTOR = AnswerExtractor(PROMPTS)


@pytest.mark.parametrize(("text", "labels", "expected"), CASES)
def test_extract_label_finds_the_label_a_reply_gives(
    text: str, labels: list[str], expected: str | None
) -> None:
    assert extract_label(text, labels) == expected


def test_a_reply_that_repeats_one_candidate_chooses_it() -> None:
    echoes = {"A": "The ferry stops in March.", "B": "A Leeds baker won an award."}
    assert extract_label("A Leeds baker won an award!", AB, echoes) == "B"
    assert extract_label("the ferry stops in march", AB, echoes) == "A"
    cut_short = {"A": "The night ferry will stop in March after low numbers.",
                 "B": "The night ferry will stop in March after a storm."}
    assert extract_label("The night ferry will stop in March after", AB, cut_short) is None
    assert extract_label("The night ferry will stop in March after a storm", AB, cut_short) == "B"
    both = "The ferry stops in March. A Leeds baker won an award."
    assert extract_label(both, AB, echoes) is None


def test_extract_label_returns_the_label_as_spelled_by_the_caller() -> None:
    assert extract_label("answer: yes", ["Yes", "No"]) == "Yes"


def test_extract_label_needs_labels() -> None:
    with pytest.raises(ValueError, match="at least one"):
        extract_label("A", [])


async def test_extractor_says_the_rules_decided_without_calling_the_model() -> None:
    llm = ScriptedLLM([])
    result = await EXTRACTOR.extract("Answer: B", AB, MeteredCompleter(lambda _: llm))
    assert (result.label, result.path, result.llm_used) == ("B", "deterministic", False)
    assert llm.requests == []


async def test_extractor_falls_back_to_the_extractor_role_with_its_prompt() -> None:
    roles: list[str] = []
    llm = ScriptedLLM(["The reply picks B"])

    def for_role(role: str) -> ScriptedLLM:
        roles.append(role)
        return llm

    result = await EXTRACTOR.extract(
        "Both have merit; on balance the one about the ferry.", AB, MeteredCompleter(for_role)
    )
    assert (result.label, result.path, result.llm_used) == ("B", "llm", True)
    assert roles == ["extractor"]
    prompt = llm.requests[0].messages[-1].content
    assert "the one about the ferry" in prompt and "A, B" in prompt


async def test_extractor_says_other_when_the_model_cannot_tell_either() -> None:
    llm = ScriptedLLM(["other"])
    result = await EXTRACTOR.extract("Hmm.", AB, MeteredCompleter(lambda _: llm))
    assert (result.label, result.path, result.llm_used) == ("other", "none", True)


async def test_extractor_without_a_model_says_other() -> None:
    result = await EXTRACTOR.extract("Hmm.", AB)
    assert (result.label, result.path, result.decided) == ("other", "none", False)


async def test_extractor_failure_raises_or_becomes_other_as_configured() -> None:
    failing = ScriptedLLM([Reply(error=LLMServerError("down"))] * 2)
    completer = MeteredCompleter(lambda _: failing)
    with pytest.raises(LLMServerError):
        await EXTRACTOR.extract("Hmm.", AB, completer)
    result = await AnswerExtractor(PROMPTS, on_error="other").extract("Hmm.", AB, completer)
    assert (result.label, result.error) == ("other", "LLMServerError")


async def test_extractor_clips_long_replies_but_keeps_both_ends() -> None:
    llm = ScriptedLLM(["A"])
    text = "START " + "filler " * 2000 + " END"
    await AnswerExtractor(PROMPTS, max_chars=400).extract(text, AB, MeteredCompleter(lambda _: llm))
    prompt = llm.requests[0].messages[-1].content
    assert "START" in prompt and "END" in prompt and len(prompt) < 1200
