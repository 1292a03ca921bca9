"""``--ray``: the same items judged as Ray tasks, one item per task.

Each worker process keeps one event loop and one model pool per settings, so a local
model loads once per worker, not once per item. Results come back to the driver, which
appends them to the results file as they arrive, exactly as the asyncio runner does.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from apps.eval.data import PairItem
from apps.eval.judging import Combo, PairJudging
from apps.eval.pacing import RateLimiter
from apps.eval.records import PairRecord
from bot.models import ModelPool
from config import Settings

CALLS_PER_ITEM = 2  # both orders; the rate limiter is applied at submission
_worker: dict[str, Any] = {}  # per worker process: the loop and model pools


def _pool_for(settings: Settings) -> ModelPool:
    key = hashlib.sha1(settings.model_dump_json().encode()).hexdigest()
    pools: dict[str, ModelPool] = _worker.setdefault("pools", {})
    if key not in pools:
        pools[key] = ModelPool(settings)
    return pools[key]


def judge_in_worker(settings: Settings, combo: Combo, item: PairItem, session: str) -> str:
    """Runs inside a Ray worker: judge one item, return its record as JSON."""
    loop = _worker.get("loop")
    if loop is None:
        loop = _worker["loop"] = asyncio.new_event_loop()
    judging = PairJudging(settings, combo, _pool_for(settings), RateLimiter(None), session)
    return loop.run_until_complete(judging.judge_item(item)).model_dump_json()


def _failed(
    combo: Combo, item: PairItem, session: str, exc: Exception, started: float
) -> PairRecord:
    return PairRecord(env=combo.env, backend=combo.backend, item_id=item.id, outcome="error",
                      started=started, finished=time.time(), session=session,
                      error_type=type(exc).__name__, error=str(exc)[:300])


async def run_combo_on_ray(
    settings: Settings, combo: Combo, todo: list[PairItem], concurrency: int,
    limiter: RateLimiter, session: str, sink: Any,
) -> None:
    """Submit at most ``concurrency`` items at a time; each result goes to ``sink``."""
    import ray

    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False)
    remote = ray.remote(judge_in_worker)
    slots = asyncio.Semaphore(concurrency)

    async def one(item: PairItem) -> None:
        async with slots:
            for _ in range(CALLS_PER_ITEM):
                await limiter.wait()
            started = time.time()
            try:
                record = PairRecord.model_validate_json(
                    await remote.remote(settings, combo, item, session)
                )
            except Exception as exc:  # a lost worker is one failed item, not a failed run
                record = _failed(combo, item, session, exc, started)
        sink(record)

    await asyncio.gather(*(one(item) for item in todo))
