"""``compare``: the pairwise judge as a tool the primary agent may call.

Not in the default tool list: add ``"compare"`` to ``tools`` in bot.toml to offer it. The
judge asks the ``judge`` role through the tool's run context, so its calls share the turn's
backends and retries, and their tokens and cost are the turn's: they show in ``Usage``, the
stored turn and the ``turn`` log line.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from contracts.llm_errors import LLMError
from contracts.run_context import ToolRunContext
from contracts.tools import ToolError, ToolOutput
from judging.pairwise import DEFAULT_CRITERION, Judgement, PairwiseJudge


class CompareArgs(BaseModel):
    context: str = Field(description="the text both candidates are judged against")
    candidate_a: str = Field(description="the first candidate")
    candidate_b: str = Field(description="the second candidate")
    criterion: str = Field(DEFAULT_CRITERION, description="what makes a candidate better")


def describe(judgement: Judgement) -> str:
    """What the model (and the user) should read about a judgement."""
    outcome = judgement.outcome
    if outcome == "first":
        return "Candidate A is better: the judge chose it in both orders."
    if outcome == "second":
        return "Candidate B is better: the judge chose it in both orders."
    if outcome in ("AA", "BB"):
        shown = "first" if outcome == "AA" else "second"
        return (f"No consistent winner: the judge chose whichever candidate was shown "
                f"{shown} (position bias {outcome}).")
    return "No verdict: the judge's answer could not be read in at least one order."


class CompareCandidates:
    """Compares two candidates against a context with the ``judge`` role, in both orders."""

    name = "compare"
    description = (
        "Compare two candidate texts against a context with an impartial judge that is asked "
        "in both orders, so a preference for the first or second position cannot decide."
    )
    Args = CompareArgs

    async def run(self, args: CompareArgs, ctx: ToolRunContext) -> ToolOutput:
        if not (args.candidate_a.strip() and args.candidate_b.strip()):
            raise ToolError("both candidate_a and candidate_b must be non-empty")
        judge = PairwiseJudge(ctx.prompts)
        try:
            judgement = await judge.compare(
                ctx, args.context, args.candidate_a, args.candidate_b, args.criterion
            )
        except LLMError as exc:
            raise ToolError(f"the judge model failed: {exc.user_message}") from exc
        ctx.log.info("compared", outcome=judgement.outcome)
        return ToolOutput(content=describe(judgement))
