"""Judging one pair item for one (environment, backend): the unit both runners share."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import structlog

from apps.eval.data import PairItem
from apps.eval.pacing import RateLimitedCompleter, RateLimiter
from apps.eval.records import REPLY_CHARS, PairOutcome, PairRecord, VerdictRecord
from bot.completer import MeteredCompleter
from bot.models import ModelPool
from bot.prompts import PromptLibrary
from config import Settings
from contracts.llm import LLM
from contracts.usage import UsageMeter
from judging.extractor import AnswerExtractor
from judging.pairwise import PairwiseJudge

log = structlog.get_logger("apps.eval")
# The correct candidate is always passed first, so "first" means the judge was right.
OUTCOME_OF: dict[str, PairOutcome] = {
    "first": "correct", "second": "wrong", "AA": "AA", "BB": "BB", "other": "other",
}


@dataclass(frozen=True)
class Combo:
    """One column of the comparison: a prompt set and a backend profile."""

    env: str
    backend: str

    @property
    def label(self) -> str:
        return f"{self.env} · {self.backend}"


def measured_backend(pool: ModelPool, name: str) -> LLM:
    """The profile's backend with its retries but never its fallbacks: a report row must be
    the backend it names, not whichever profile happened to answer."""
    from backends.resilient import Link, ResilientLLM

    profile = pool.settings.profile(name)
    if profile.max_retries == 0:
        return pool.backend(name)
    return ResilientLLM([Link(name, profile, partial(pool.backend, name))], pool.cooldowns)


def extractor_profile(settings: Settings, combo: Combo) -> str:
    """The extractor's fallback model: configured, else the backend under test."""
    return settings.eval.extractor_profile or settings.roles.extractor or combo.backend


class PairJudging:
    """The judge, its models and its pacing for one combo; ``judge_item`` never raises."""

    def __init__(
        self, settings: Settings, combo: Combo, models: ModelPool, limiter: RateLimiter,
        session: str = "",
    ) -> None:
        prompts = PromptLibrary(combo.env, settings.prompts_dir, settings.prompts_hot_reload)
        extractor = AnswerExtractor(prompts)
        self.judge = PairwiseJudge(prompts, extractor, max_tokens=settings.eval.max_tokens)
        self.settings = settings
        self.combo = combo
        self.judge_llm = measured_backend(models, combo.backend)
        self.extractor_llm = models.for_profile(extractor_profile(settings, combo))
        self.limiter = limiter
        self.session = session

    def _for_role(self, role: str) -> LLM:
        return self.extractor_llm if role == "extractor" else self.judge_llm

    async def judge_item(self, item: PairItem) -> PairRecord:
        """Both orders for ``item``; a failure the pool's retries did not cure is an ``error``."""
        cfg = self.settings.eval
        meter = UsageMeter()
        paced = RateLimitedCompleter(MeteredCompleter(self._for_role, meter), self.limiter)
        started = time.time()
        fields: dict[str, Any] = {}
        try:
            judgement = await self.judge.compare(
                paced, item.context, item.correct, item.incorrect, cfg.criterion
            )
            fields["outcome"] = OUTCOME_OF[judgement.outcome]
            fields["verdicts"] = [_verdict(v) for v in judgement.verdicts]
        except Exception as exc:  # recorded per item: one bad item never ends the run
            log.warning("eval_item_failed", item=item.id, combo=self.combo.label,
                        error_type=type(exc).__name__, error=str(exc)[:300])
            fields.update(outcome="error", error_type=type(exc).__name__, error=str(exc)[:300])
        return PairRecord(
            env=self.combo.env, backend=self.combo.backend, model=self.judge_llm.model,
            item_id=item.id, input_tokens=meter.input_tokens, output_tokens=meter.output_tokens,
            cost_usd=meter.cost_usd, started=started, finished=time.time(),
            session=self.session, **fields,
        )


def _verdict(v: Any) -> VerdictRecord:
    return VerdictRecord(order=v.order, label=v.label, path=v.path, llm_used=v.llm_used,
                         latency_s=round(v.latency_s, 4), reply=v.reply[:REPLY_CHARS])
