"""``bot eval pairwise`` items/s at concurrency 1, 8 and 32 against a 100 ms server.

The server is the project's fake OpenAI-compatible server (``tests/fakes/openai_server.py``)
on 127.0.0.1 with ``latency_s = 0.1`` before each response, in its own process (so it does
not share our GIL); the judge profile is the real ``openai`` backend pointed at it. Each
item is two judge calls (both orders), run together, so one item takes one latency L and
the ideal for N items at concurrency C is N·L/C. Side by side, the same 2·N calls made
straight through the backend with 2·C in flight (no harness) show what the harness costs.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from apps.eval.data import PairItem
from apps.eval.judging import Combo
from apps.eval.pairwise import PairwisePlan, run_pairwise
from benchmarks.child_server import server_process
from bot.models import ModelPool
from config import Settings, load_settings
from contracts.llm import LLMRequest, complete
from contracts.messages import ChatMessage
from tests.fakes.openai_server import FakeOpenAI

LATENCY_S = 0.1
RUNS = [(1, 30), (8, 160), (32, 320)]  # (concurrency, items)
ROUNDS = 3  # harness and raw alternate; the best of each is kept (the machine is shared)


def judge_reply(body: dict[str, Any]) -> str:
    """Answers like a correct judge: the candidate whose text starts with TRUE."""
    prompt = str(body["messages"][-1]["content"])
    match = re.search(r"Candidate A:\s*(\S+)", prompt)
    return "Answer: A" if match and match.group(1).startswith("TRUE") else "Answer: B"


def items(n: int) -> list[PairItem]:
    return [PairItem(f"i{i}", f"Context {i}.", f"TRUE {i}", f"FALSE {i}") for i in range(n)]


def serve() -> None:
    """In the child process: run the server, print its port, stop when stdin closes."""
    with FakeOpenAI(latency_s=LATENCY_S) as server:
        server.respond = judge_reply
        print(server.port, flush=True)
        sys.stdin.read()


def settings_for(base_url: str, data_dir: Path) -> Settings:
    profile = {"kind": "openai", "base_url": base_url, "model": "fake-model",
               "max_retries": 0, "timeout_s": 30.0}
    return load_settings(data_dir=data_dir, tools=[], profiles={"fake": profile})


async def harness(settings: Settings, concurrency: int, n: int, out: Path) -> float:
    plan = PairwisePlan(data=Path("bench"), items=items(n), combos=[Combo("default", "fake")],
                        out=out, concurrency=concurrency, progress=False)
    started = time.perf_counter()
    records = await run_pairwise(settings, plan)
    elapsed = time.perf_counter() - started
    assert all(r.outcome == "correct" for r in records), "the benchmark judge went wrong"
    return elapsed


async def raw_calls(settings: Settings, concurrency: int, n: int) -> float:
    pool = ModelPool(settings)
    llm = pool.for_profile("fake")
    slots = asyncio.Semaphore(2 * concurrency)

    async def one(i: int) -> None:
        async with slots:
            text = f"Candidate A: TRUE {i}"
            await complete(llm, LLMRequest(messages=[ChatMessage.user(text)]))

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(2 * n)))
    elapsed = time.perf_counter() - started
    await pool.aclose()
    return elapsed


async def harness_ceiling(data_dir: Path, n: int = 1000) -> float:
    """Items/s with an instant in-process scripted judge: the harness's own cost per item."""
    settings = load_settings(data_dir=data_dir, tools=[], profiles={
        "instant": {"kind": "scripted", "replies": ["Answer: A"], "max_retries": 0}})
    plan = PairwisePlan(data=Path("bench"), items=items(n), combos=[Combo("default", "instant")],
                        out=data_dir / "ceiling", concurrency=32, progress=False)
    started = time.perf_counter()
    await run_pairwise(settings, plan)
    return n / (time.perf_counter() - started)


def run() -> str:
    load = os.getloadavg()[0]
    rows = []
    with server_process(__name__) as base_url, tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(base_url, Path(tmp))
        asyncio.run(raw_calls(settings, 1, 2))  # warm up imports and the connection path
        for concurrency, n in RUNS:
            harness_s, raw_s = [], []
            for k in range(ROUNDS):
                out = Path(tmp) / f"c{concurrency}-{k}"
                harness_s.append(asyncio.run(harness(settings, concurrency, n, out)))
                raw_s.append(asyncio.run(raw_calls(settings, concurrency, n)))
            rows.append((concurrency, n, n * LATENCY_S / concurrency, min(harness_s), min(raw_s)))
        ceiling = asyncio.run(harness_ceiling(Path(tmp)))
    lines = [
        f"Fake OpenAI-compatible server (own process) on 127.0.0.1, {LATENCY_S * 1000:.0f} ms "
        "before each response; real `openai` backend; each item = 2 judge calls in parallel; "
        f"results appended to JSONL as they arrive. Best of {ROUNDS} alternating runs; load "
        f"average at start: {load:.1f}.\n",
        "| concurrency C | items N | ideal N·L/C | `bot eval` | items/s | of ideal "
        "| raw backend calls, same load | harness cost |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c, n, ideal, ours, raw in rows:
        lines.append(f"| {c} | {n} | {ideal:.2f} s | {ours:.2f} s | {n / ours:.1f} "
                     f"| {100 * ideal / ours:.0f}% | {raw:.2f} s | {ours / raw:.2f}× |")
    lines.append(f"\nHarness alone (instant in-process scripted judge, C=32, 1000 items): "
                 f"{ceiling:.0f} items/s, i.e. {1000 / ceiling:.1f} ms of our own CPU per item. "
                 "Where `bot eval` falls short of the ideal, the raw column shows the same "
                 "shortfall without the harness: the client path (openai SDK + HTTP + SSE "
                 "parsing) and the server share the machine's cores.")
    return "\n".join(lines)


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    serve()
