"""The pairwise judge asks both orders and says winner, position bias, or no verdict."""

from __future__ import annotations

from backends.scripted import FunctionLLM, ScriptedLLM
from bot.catalog import TOOLS
from bot.completer import MeteredCompleter
from bot.prompts import PromptLibrary
from config.settings import DEFAULT_TOOLS
from judging.pairwise import PairwiseJudge
from tests.fakes.eval_judges import correct_judge, verbose_correct_judge
from tests.tool_context import tool_context
from tools.judge_tool import CompareArgs, CompareCandidates

CONTEXT = "Context 1 says the sky is blue."
RIGHT, WRONG = "TRUE-1: the sky is blue.", "FALSE-1: the sky is green."
JUDGE = PairwiseJudge(PromptLibrary())


def completer(llm: object) -> MeteredCompleter:
    return MeteredCompleter(lambda _: llm)  # type: ignore[arg-type, return-value]


async def test_a_judge_that_always_says_a_shows_position_bias_aa() -> None:
    judgement = await JUDGE.compare(completer(ScriptedLLM(default="A")), CONTEXT, RIGHT, WRONG)
    assert judgement.outcome == "AA" and judgement.position_bias == "AA"
    assert judgement.winner is None


async def test_a_judge_that_always_says_b_shows_position_bias_bb() -> None:
    llm = ScriptedLLM(default="Answer: B")
    judgement = await JUDGE.compare(completer(llm), CONTEXT, RIGHT, WRONG)
    assert judgement.outcome == "BB"


async def test_a_correct_judge_gives_a_consistent_winner_in_both_orders() -> None:
    llm = FunctionLLM(correct_judge)
    judgement = await JUDGE.compare(completer(llm), CONTEXT, RIGHT, WRONG)
    assert judgement.outcome == "first" and judgement.winner == "first"
    assert [v.order for v in judgement.verdicts] == ["AB", "BA"]
    assert [v.label for v in judgement.verdicts] == ["A", "B"]
    prompts = [r.messages[-1].content for r in llm.requests]
    assert prompts[0].index(RIGHT) < prompts[0].index(WRONG)
    assert prompts[1].index(WRONG) < prompts[1].index(RIGHT)
    assert {r.role for r in llm.requests} == {"judge"}


async def test_a_verbose_judge_is_read_without_the_extractor_model() -> None:
    llm = FunctionLLM(verbose_correct_judge)
    judgement = await JUDGE.compare(completer(llm), CONTEXT, WRONG, RIGHT)
    assert judgement.outcome == "second"
    assert all(v.path == "deterministic" and not v.llm_used for v in judgement.verdicts)


async def test_a_judge_that_copies_its_choice_is_read_as_choosing_it() -> None:
    llm = ScriptedLLM(default=RIGHT)  # small models answer by repeating a candidate
    judgement = await JUDGE.compare(completer(llm), CONTEXT, RIGHT, WRONG)
    assert judgement.outcome == "first"
    assert all(v.path == "deterministic" for v in judgement.verdicts)


async def test_an_unreadable_verdict_is_other() -> None:
    llm = ScriptedLLM(["A", "I like them both"], default="other")
    judgement = await JUDGE.compare(completer(llm), CONTEXT, RIGHT, WRONG)
    assert judgement.outcome == "other"
    assert judgement.verdicts[1].llm_used and judgement.verdicts[1].label == "other"


async def test_compare_tool_reports_the_winner_and_is_opt_in() -> None:
    args = CompareArgs(context=CONTEXT, candidate_a=WRONG, candidate_b=RIGHT)
    out = await CompareCandidates().run(args, tool_context(judge=FunctionLLM(correct_judge)))
    assert out.content.startswith("Candidate B is better")
    assert "compare" in TOOLS
    assert "compare" not in DEFAULT_TOOLS


async def test_compare_tool_names_position_bias() -> None:
    args = CompareArgs(context=CONTEXT, candidate_a=RIGHT, candidate_b=WRONG)
    out = await CompareCandidates().run(args, tool_context(judge=ScriptedLLM(default="A")))
    assert "position bias AA" in out.content
