"""Running ``bot eval answers``: one configuration, or two side by side with the judge.

``--against PROFILE`` asks every question a second time with PROFILE in the ``primary``
role (everything else as configured), then the order-swapped pairwise judge compares the
two answers to each question (apps/eval/judging.py): a win counts only when the judge
prefers the same answer in both orders; AA/BB mean it followed the position.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from apps.eval.answers import AnswerCase, Asked, ask, new_run_id
from apps.eval.answers_score import AnswerScore, score
from apps.eval.chat import ExpectationCheck
from apps.eval.data import PairItem
from apps.eval.judging import Combo, PairJudging
from apps.eval.pacing import RateLimiter
from apps.eval.records import PairRecord
from bot.app import Bot
from bot.models import ModelPool
from config import Settings
from contracts.llm_errors import LLMError

CRITERION = ("Which answer answers the user's question better: correct, grounded in the "
             "team's documents, and helpful?")


@dataclass
class ConfigRun:
    """One configuration's answers and scores, in the cases' order."""

    label: str
    asked: list[Asked] = field(default_factory=list)
    scores: list[AnswerScore] = field(default_factory=list)


def with_primary(settings: Settings, profile: str) -> Settings:
    """``settings`` with ``profile`` answering (the ``primary`` role)."""
    return settings.model_copy(update={"roles": settings.roles.model_copy(
        update={"primary": profile})})


class SafeJudge(ExpectationCheck):
    """The judge role's yes/no on a fact; a failing judge counts the fact as not stated."""

    async def check(self, question: str, answer: str, expectation: str
                    ) -> tuple[bool, str, str]:
        try:
            return await super().check(question, answer, expectation)
        except LLMError as exc:
            return False, f"judge failed: {type(exc).__name__}", "none"


async def run_config(settings: Settings, cases: list[AnswerCase], label: str,
                     on_done: Callable[[], None] = lambda: None,
                     user: str = "eval") -> ConfigRun:
    """Ask and score every case with one configuration (``eval.concurrency`` at a time),
    as ``user`` (what they may read, with ``[access]`` on)."""
    bot = Bot.from_settings(settings)
    run, run_id = ConfigRun(label), new_run_id()
    judge = SafeJudge(bot)
    gate = asyncio.Semaphore(max(1, settings.eval.concurrency))

    async def one(case: AnswerCase) -> tuple[Asked, AnswerScore]:
        async with gate:
            asked = await ask(bot, case.question, run_id, case.id, user)
            result = await score(case, asked, judge, settings.pipeline.min_support)
            on_done()
            return asked, result

    try:
        pairs = await asyncio.gather(*(one(c) for c in cases))
    finally:
        await bot.aclose()
    run.asked = [a for a, _ in pairs]
    run.scores = [s for _, s in pairs]
    return run


async def compare(settings: Settings, cases: list[AnswerCase], first: ConfigRun,
                  second: ConfigRun) -> list[PairRecord]:
    """The order-swapped judge on each question whose two answers differ: ``correct`` =
    the first configuration's answer won in both orders, ``wrong`` = the second's."""
    cfg = settings.eval.model_copy(update={"criterion": CRITERION})
    settings = settings.model_copy(update={"eval": cfg})
    judging = PairJudging(settings, Combo("answers", settings.roles.profile_for("judge")),
                          ModelPool(settings), RateLimiter(cfg.requests_per_s), new_run_id())
    records = []
    for case, a, b in zip(cases, first.asked, second.asked, strict=True):
        if a.answer.strip() == b.answer.strip():
            continue  # nothing to prefer
        item = PairItem(id=case.id, context=f"The user's question: {case.question}",
                        correct=a.answer, incorrect=b.answer)
        records.append(await judging.judge_item(item))
    return records
