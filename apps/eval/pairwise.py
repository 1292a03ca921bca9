"""Running every pair item in both orders for every (environment, backend), resumably."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apps.eval.data import PairItem
from apps.eval.judging import Combo, PairJudging
from apps.eval.pacing import RateLimiter
from apps.eval.progress import Progress
from apps.eval.records import PairRecord, ResultLog, latest
from bot.models import ModelPool
from config import Settings

RESULTS = "results.jsonl"
Sink = Callable[[PairRecord], None]


class RunExists(Exception):
    """The output folder already holds results and ``--resume`` was not given."""


@dataclass
class PairwisePlan:
    """What to run and where: items × combos, written under ``out``."""

    data: Path
    items: list[PairItem]
    combos: list[Combo]
    out: Path
    concurrency: int = 8
    requests_per_s: float | None = None
    resume: bool = False
    retry_errors: bool = False
    use_ray: bool = False
    progress: bool = True

    def pending(self, done: set[tuple[str, str, str]]) -> dict[Combo, list[PairItem]]:
        """Per combo, the items without a result yet, in file order."""
        return {c: [i for i in self.items if (c.env, c.backend, i.id) not in done]
                for c in self.combos}

    def select(self, records: list[PairRecord]) -> list[PairRecord]:
        """The latest record of each of this plan's (combo, item) keys (for the report)."""
        keys = {(c.env, c.backend, i.id) for c in self.combos for i in self.items}
        return [r for r in latest(records).values() if r.key in keys]


def resolve_out_dir(base: Path, kind: str, out: Path | None, resume: bool) -> Path:
    """``out`` if given; on resume the newest ``<base>/<kind>-*``; else a new timestamped one."""
    if out is not None:
        return out
    if resume:
        runs = sorted(base.glob(f"{kind}-*"))
        if runs:
            return runs[-1]
    return base / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}"


def _done_keys(log: ResultLog[PairRecord], plan: PairwisePlan) -> set[tuple[str, str, str]]:
    if not plan.resume:
        if log.path.exists() and log.path.stat().st_size:
            raise RunExists(f"{plan.out} already holds results. Fix: pass --resume to continue "
                            "that run, or --out NEW_DIR to start another")
        return set()
    records = latest(log.load()).values()
    return {r.key for r in records if not (plan.retry_errors and r.outcome == "error")}


def _write_meta(plan: PairwisePlan) -> None:
    meta = {"kind": "pairwise", "data": str(plan.data), "items": len(plan.items),
            "environments": sorted({c.env for c in plan.combos}),
            "backends": sorted({c.backend for c in plan.combos}),
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (plan.out / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


async def run_pairwise(
    settings: Settings, plan: PairwisePlan, models: ModelPool | None = None
) -> list[PairRecord]:
    """Judge what is pending, appending each result as it arrives; returns the plan's results."""
    log = ResultLog(plan.out / RESULTS, PairRecord)
    pending = plan.pending(_done_keys(log, plan))
    plan.out.mkdir(parents=True, exist_ok=True)
    _write_meta(plan)
    session = uuid.uuid4().hex[:8]
    progress = Progress(sum(len(v) for v in pending.values()), plan.progress)
    pool = models or ModelPool(settings)
    limiters: dict[str, RateLimiter] = {}

    def sink(record: PairRecord) -> None:
        log.append(record)
        progress.update(1, last=record.outcome)

    try:
        for combo, todo in pending.items():
            if todo:
                progress.describe(combo.label)
                limiter = limiters.setdefault(combo.backend, RateLimiter(plan.requests_per_s))
                await _run_combo(settings, plan, combo, todo, pool, limiter, session, sink)
    finally:
        progress.close()
        log.close()
        if models is None:
            await pool.aclose()
    return plan.select(log.load())


async def _run_combo(
    settings: Settings, plan: PairwisePlan, combo: Combo, todo: list[PairItem],
    pool: ModelPool, limiter: RateLimiter, session: str, sink: Sink,
) -> None:
    if plan.use_ray:
        from apps.eval.ray_runner import run_combo_on_ray

        await run_combo_on_ray(settings, combo, todo, plan.concurrency, limiter, session, sink)
        return
    judging = PairJudging(settings, combo, pool, limiter, session)
    items = iter(todo)  # shared by the workers: each item is taken exactly once

    async def worker() -> None:
        for item in items:
            sink(await judging.judge_item(item))

    await asyncio.gather(*(worker() for _ in range(min(plan.concurrency, len(todo)))))
