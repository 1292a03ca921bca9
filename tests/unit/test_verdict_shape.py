"""Verdicts in a fixed shape: the judge and the extractor ask for it, and read it back."""

from __future__ import annotations

import json

from backends.scripted import FunctionLLM, ScriptedLLM
from bot.completer import MeteredCompleter
from bot.prompts import PromptLibrary
from contracts.llm import LLMRequest
from contracts.llm_errors import LLMBadRequest
from judging.extractor import AnswerExtractor
from judging.pairwise import PairwiseJudge
from judging.verdict_shape import shaped_label
from tests.fakes.eval_judges import shaped_judge

CONTEXT = "Context 1 says the sky is blue."
RIGHT, WRONG = "TRUE-1: the sky is blue.", "FALSE-1: the sky is green."


def completer(llm: object) -> MeteredCompleter:
    return MeteredCompleter(lambda _: llm)  # type: ignore[arg-type, return-value]


def test_a_reply_in_the_shape_is_read_and_anything_else_is_left_to_the_rules() -> None:
    assert shaped_label('{"label": "B"}', ["A", "B"]) == "B"
    assert shaped_label('{ "label" : "a"}', ["A", "B"]) == "A"
    assert shaped_label('```json\n{"label": "yes"}\n```', ["yes", "no"]) == "yes"
    assert shaped_label('{"label": "C"}', ["A", "B"]) is None
    assert shaped_label('{"label": "A"', ["A", "B"]) is None  # cut short
    assert shaped_label("The answer is A.", ["A", "B"]) is None


async def test_the_judge_asks_for_the_shape_and_its_verdicts_come_constrained() -> None:
    llm = FunctionLLM(shaped_judge)
    judgement = await PairwiseJudge(PromptLibrary()).compare(completer(llm), CONTEXT, RIGHT,
                                                             WRONG)
    assert judgement.outcome == "first"
    assert [(v.path, v.llm_used) for v in judgement.verdicts] == [("constrained", False)] * 2
    schema = llm.requests[0].answer_shape.json_schema  # type: ignore[union-attr]
    assert schema["properties"]["label"]["enum"] == ["A", "B"]


async def test_a_judge_told_not_to_asks_free_text_and_the_rules_read_it() -> None:
    llm = ScriptedLLM(default="Answer: A")
    judge = PairwiseJudge(PromptLibrary(), fixed_shape=False)
    judgement = await judge.compare(completer(llm), CONTEXT, RIGHT, WRONG)
    assert [v.path for v in judgement.verdicts] == ["deterministic"] * 2
    assert all(r.answer_shape is None for r in llm.requests)


async def test_a_backend_that_cannot_constrain_falls_back_to_the_extractor_which_asks_too(
) -> None:
    seen: list[LLMRequest] = []

    def unshaped(request: LLMRequest) -> str:
        seen.append(request)
        if request.role == "extractor":
            return json.dumps({"label": "A"})
        return "Hmm, I'd trust the one that keeps the colour."

    llm = FunctionLLM(unshaped)
    llm.shapes = False  # as a profile with fixed_shape = "none": the function never sees it
    found = await AnswerExtractor(PromptLibrary()).extract(
        "Hmm, I'd trust the one that keeps the colour.", ["A", "B"], completer(llm))
    assert (found.label, found.path, found.llm_used) == ("A", "llm", True)
    assert llm.requests[0].answer_shape is not None and seen[0].answer_shape is None


async def test_a_server_that_refuses_the_shape_is_asked_again_in_free_text() -> None:
    def picky(request: LLMRequest) -> str:
        if request.answer_shape is not None:
            raise LLMBadRequest("HTTP 400: unknown field response_format", profile="picky")
        return "Answer: A"

    llm = FunctionLLM(picky)
    judgement = await PairwiseJudge(PromptLibrary()).compare(completer(llm), CONTEXT, RIGHT,
                                                             WRONG)
    assert [v.path for v in judgement.verdicts] == ["deterministic"] * 2
    assert [r.answer_shape is None for r in llm.requests].count(True) == 2
