"""The embedded model (SmolLM2-135M in its worker) asked for a verdict in the fixed shape.

Free text from this model is a paragraph, often with no label the rules can read; with the
shape compiled into a grammar every reply is ``{"label": …}`` with one of the labels.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Bot
from bot.completer import MeteredCompleter
from config import load_settings
from judging.pairwise import PairwiseJudge

pytestmark = pytest.mark.embedded
PAIRS = [("The ferry stops in March after low passenger numbers.",
          "The ferry stops in March after a storm damaged the harbour."),
         ("The library opens at 8 a.m. on weekdays.",
          "The library opens at 8 a.m. every day.")]
CONTEXTS = ["The night ferry will stop running in March because too few passengers used it.",
            "From next month the library opens at 8 a.m. instead of 10 a.m. on weekdays."]


async def test_every_verdict_of_the_embedded_judge_comes_in_the_shape(data_dir: Path) -> None:
    settings = load_settings(data_dir=data_dir, tools=[], roles={"judge": "local"})
    bot = Bot.from_settings(settings)
    judge = PairwiseJudge(bot.prompts, max_tokens=48)
    try:
        for context, (right, wrong) in zip(CONTEXTS, PAIRS, strict=True):
            judgement = await judge.compare(MeteredCompleter.from_pool(bot.models), context,
                                            right, wrong)
            assert [v.path for v in judgement.verdicts] == ["constrained", "constrained"]
            assert all(v.reply.lstrip().startswith("{") for v in judgement.verdicts)
            assert judgement.outcome != "other"
    finally:
        await bot.aclose()
