"""``compare``: the pairwise judge as a tool the primary agent may call.

Not in the default tool list: add ``"compare"`` to ``tools`` in bot.toml to offer it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from bot.completer import MeteredCompleter
from bot.contracts.llm_errors import LLMError
from bot.contracts.tools import ToolError, ToolOutput
from bot.prompts import PromptLibrary
from judging.pairwise import DEFAULT_CRITERION, Judgement, PairwiseJudge

if TYPE_CHECKING:
    from config import Settings


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

    def __init__(self, completer: Any, judge: PairwiseJudge) -> None:
        self.completer = completer
        self.judge = judge

    @classmethod
    def from_settings(cls, settings: Settings) -> CompareCandidates:
        """Roles resolved as the bot resolves them (its own pool: tools get only settings)."""
        from bot.models import ModelPool

        prompts = PromptLibrary(settings.environment, settings.prompts_dir,
                                settings.prompts_hot_reload)
        completer = MeteredCompleter.from_pool(ModelPool(settings))
        return cls(completer, PairwiseJudge(prompts))

    async def run(self, args: CompareArgs) -> ToolOutput:
        if not (args.candidate_a.strip() and args.candidate_b.strip()):
            raise ToolError("both candidate_a and candidate_b must be non-empty")
        try:
            judgement = await self.judge.compare(
                self.completer, args.context, args.candidate_a, args.candidate_b, args.criterion
            )
        except LLMError as exc:
            raise ToolError(f"the judge model failed: {exc.user_message}") from exc
        return ToolOutput(content=describe(judgement))
