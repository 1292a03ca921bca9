"""The store's share of a turn: SQLite vs PostgreSQL, with and without usage rollups.

One turn's store work is what ``Session`` does: add the user turn, read the history (up to
200 turns), add the answer (two cited sources, latency, model) — and every tenth turn a 👍.
200 turns spread over 8 conversations (already 20 turns long), run by one thread and by 8
threads (8 sessions answering at once in one process). The baseline of the rollups' cost is
the same store without their upkeep (``benchmarks/plain_store.py``), run alternately with
it. PostgreSQL is a local throwaway server (``tests/fakes/postgres.py``, fsync off) or
``BOT_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.plain_store import open_store
from contracts.events import Source
from contracts.store import AssistantTurn, Store
from tests.fakes.postgres import drop_schema, new_schema, server_url, with_schema

TURNS = 200
ROUNDS = 3
THREADS = 8
CONVERSATIONS = 8  # the same for every thread count, so histories grow alike
SEARCH = [{"id": "c1", "name": "search_knowledge", "arguments": {"query": "slack"}}]


def an_answer(rng: random.Random) -> AssistantTurn:
    latency = rng.lognormvariate(0.7, 0.6)
    return AssistantTurn(
        text="Create the app from the manifest. " * 20, user=f"U{rng.randrange(50):03d}",
        tool_calls=SEARCH, sources=[Source(n=1, source=f"docs/page{rng.randrange(40)}.md"),
                                    Source(n=2, source="docs/slack.md")],
        backend="openai", model=rng.choice(["gpt-4o-mini", "llama-3.1-8b"]),
        input_tokens=500, output_tokens=120, cost_usd=1.5e-4, latency_s=latency,
        ttft_s=latency * 0.2)


def one_turn(store: Store, key: str, n: int) -> None:
    rng = random.Random(n)
    store.add_user_turn(key, "How do I connect the bot to Slack? " * 4, user="bench")
    store.history(key, 200)
    answer_id = store.add_assistant_turn(key, an_answer(rng))
    if n % 10 == 0:
        store.add_feedback(answer_id, 1, user="bench")


def turns_per_s(store: Store, threads: int) -> float:
    keys = [f"slack:T1:C{i}:{threads}.0001" for i in range(CONVERSATIONS)]
    for key in keys:  # a conversation already under way
        for n in range(10):
            one_turn(store, key, n)
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda n: one_turn(store, keys[n % CONVERSATIONS], n), range(TURNS)))
    return TURNS / (time.perf_counter() - started)


def measure(url: str, threads: int, rollups: bool) -> float:
    store = open_store(url, rollups)
    try:
        store.keys()  # connect and create tables outside the timing
        return turns_per_s(store, threads)
    finally:
        store.close()


def one_round(base: str, threads: int, rollups: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", threads, rollups)
    schema = new_schema(base)
    try:
        return {"sqlite": sqlite,
                "postgresql": measure(with_schema(base, schema), threads, rollups)}
    finally:
        drop_schema(base, schema)


def run() -> str:
    base = server_url()
    rows = []
    for threads in (1, THREADS):
        runs: dict[tuple[str, bool], list[float]] = {}
        for _ in range(ROUNDS):
            for rollups in (False, True):  # alternately, so load drifts hit both
                for store, rate in one_round(base, threads, rollups).items():
                    runs.setdefault((store, rollups), []).append(rate)
        rate = {k: statistics.median(v) for k, v in runs.items()}
        rows.append(f"| {threads} | " + " | ".join(
            _cells(rate[(s, False)], rate[(s, True)]) for s in ("sqlite", "postgresql")) + " |")
    return render(rows)


def _cells(plain: float, rolled: float) -> str:
    extra = 1000 / rolled - 1000 / plain
    return (f"{plain:,.0f} ({1000 / plain:.1f} ms) | {rolled:,.0f} ({1000 / rolled:.1f} ms) "
            f"| {extra:+.2f} ms")


def render(rows: list[str]) -> str:
    return "\n".join([
        "## Store: SQLite vs PostgreSQL, and what usage rollups add to a turn",
        "",
        "Turns per second of store work (user turn + history of up to 200 turns + an answer "
        "citing two sources, and a 👍 on every tenth answer), median of "
        f"{ROUNDS} runs of {TURNS} turns over {CONVERSATIONS} conversations, without and "
        "with the usage rollups (each answer and first rating also updates "
        "its day's and month's rows, in the same transaction), run alternately; PostgreSQL "
        "on loopback (fsync off). A model call takes 0.3–30 s, so the store's share of a "
        "turn is small either way; PostgreSQL is for several processes, not for speed.",
        "",
        "| threads | SQLite without rollups | SQLite with | rollups add | PostgreSQL without "
        "| PostgreSQL with | rollups add |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Each cell: turns/s (ms per turn). On PostgreSQL every rollup update takes one "
        "advisory lock, so answers of all processes update the rollups one at a time "
        "(for the few milliseconds of their commit).",
    ])
