"""The pairwise judge: one comparison asked in both orders, so position bias shows.

A judge that prefers whatever it reads first answers "A" both times (AA); one that prefers
the last answers "B" both times (BB). Only a judge that picks the same *candidate* in both
orders gives a consistent winner. The judge is asked for its verdict in a fixed shape
(``{"label": "A"}``) wherever its backend can constrain the answer; free text otherwise.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Literal

from contracts.llm import LLMRequest
from contracts.messages import ChatMessage
from contracts.run_context import Completer, Prompts
from judging.extractor import OTHER, AnswerExtractor, ExtractionPath
from judging.verdict_shape import complete_shaped, label_shape

Order = Literal["AB", "BA"]
Outcome = Literal["first", "second", "AA", "BB", "other"]
LABELS = ("A", "B")
DEFAULT_CRITERION = "Which candidate is more accurate and more faithful to the context?"
_OUTCOMES: dict[tuple[str, str], Outcome] = {
    ("A", "B"): "first", ("B", "A"): "second", ("A", "A"): "AA", ("B", "B"): "BB",
}


@dataclass(frozen=True)
class Verdict:
    """One order's answer. In order ``AB`` the first candidate is shown as A; in ``BA``, as B."""

    order: Order
    label: str
    path: ExtractionPath
    llm_used: bool
    reply: str
    latency_s: float


@dataclass(frozen=True)
class Judgement:
    """Both orders' verdicts and what they add up to.

    ``outcome`` is ``first`` or ``second`` (a consistent winner), ``AA`` or ``BB`` (the
    judge followed the position, not the content: inconsistent), or ``other`` (at least one
    verdict could not be read).
    """

    verdicts: tuple[Verdict, Verdict]

    @property
    def outcome(self) -> Outcome:
        return _OUTCOMES.get((self.verdicts[0].label, self.verdicts[1].label), "other")

    @property
    def winner(self) -> Literal["first", "second"] | None:
        outcome = self.outcome
        return outcome if outcome in ("first", "second") else None  # type: ignore[return-value]

    @property
    def position_bias(self) -> Literal["AA", "BB"] | None:
        outcome = self.outcome
        return outcome if outcome in ("AA", "BB") else None  # type: ignore[return-value]


class PairwiseJudge:
    """Asks the ``judge`` role which of two candidates is better, in both orders."""

    def __init__(
        self,
        prompts: Prompts,
        extractor: AnswerExtractor | None = None,
        *,
        role: str = "judge",
        prompt: str = "judge",
        max_tokens: int | None = None,
        fixed_shape: bool = True,
    ) -> None:
        self.prompts = prompts
        self.fixed_shape = fixed_shape  # ask for {"label": "A"|"B"} where the backend can
        self.extractor = extractor or AnswerExtractor(self.prompts)
        self.role = role
        self.prompt = prompt
        self.max_tokens = max_tokens

    async def compare(
        self, llm: Completer, context: str, first: str, second: str, criterion: str = ""
    ) -> Judgement:
        """Judge ``first`` against ``second`` in both orders (concurrently)."""
        criterion = criterion or DEFAULT_CRITERION
        results = await asyncio.gather(
            self.ask(llm, "AB", context, first, second, criterion),
            self.ask(llm, "BA", context, second, first, criterion),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return Judgement((results[0], results[1]))  # type: ignore[arg-type]

    async def ask(
        self, llm: Completer, order: Order, context: str, a: str, b: str, criterion: str
    ) -> Verdict:
        """One order: the judge's reply and the label extracted from it."""
        started = time.monotonic()
        reply = await complete_shaped(llm, self.role, self.request(context, a, b, criterion))
        latency = time.monotonic() - started
        found = await self.extractor.extract(
            reply.text, LABELS, llm, question=criterion, echoes={"A": a, "B": b}
        )
        label = found.label if found.label in LABELS else OTHER
        return Verdict(order, label, found.path, found.llm_used, reply.text, latency)

    def request(self, context: str, a: str, b: str, criterion: str) -> LLMRequest:
        text = self.prompts.render(
            self.prompt, criterion=criterion, context=context, candidate_a=a, candidate_b=b
        )
        shape = label_shape(LABELS) if self.fixed_shape else None
        return LLMRequest(messages=[ChatMessage.user(text)], temperature=0.0,
                          max_tokens=self.max_tokens, answer_shape=shape)
