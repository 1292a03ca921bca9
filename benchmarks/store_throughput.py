"""The store's share of a turn: SQLite vs PostgreSQL, side by side on the same machine.

One turn's store work is what ``Session`` does: add the user turn, read the history (up to
200 turns), add the answer. 200 turns spread over 8 conversations (already 20 turns long),
run by one thread and by 8 threads (8 sessions answering at once in one process). PostgreSQL is
a local throwaway server (``tests/fakes/postgres.py``, fsync off) or
``BOT_TEST_POSTGRES_URL``; runs alternate between the stores.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.contracts.store import AssistantTurn, Store
from bot.store import open_store
from tests.fakes.postgres import drop_schema, new_schema, server_url, with_schema

TURNS = 200
ROUNDS = 3
THREADS = 8
CONVERSATIONS = 8  # the same for every thread count, so histories grow alike


def one_turn(store: Store, key: str) -> None:
    store.add_user_turn(key, "How do I connect the bot to Slack? " * 4, user="bench")
    store.history(key, 200)
    store.add_assistant_turn(key, AssistantTurn(text="Create the app from the manifest. " * 20,
                                                input_tokens=500, output_tokens=120))


def turns_per_s(store: Store, threads: int) -> float:
    keys = [f"bench:{threads}:{i}" for i in range(CONVERSATIONS)]
    for key in keys:  # a conversation already under way
        for _ in range(10):
            one_turn(store, key)
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda n: one_turn(store, keys[n % CONVERSATIONS]), range(TURNS)))
    return TURNS / (time.perf_counter() - started)


def measure(url: str, data_dir: Path, threads: int) -> float:
    store = open_store(url, data_dir)
    try:
        store.keys()  # connect and create tables outside the timing
        return turns_per_s(store, threads)
    finally:
        store.close()


def run() -> str:
    base = server_url()
    rows = []
    for threads in (1, THREADS):
        results: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
        for round_ in range(ROUNDS):
            with tempfile.TemporaryDirectory() as tmp:
                sqlite_url = f"sqlite:///{Path(tmp) / f'bench{round_}.sqlite3'}"
                results["sqlite"].append(measure(sqlite_url, Path(tmp), threads))
            schema = new_schema(base)
            try:
                results["postgresql"].append(measure(with_schema(base, schema), Path(), threads))
            finally:
                drop_schema(base, schema)
        sq, pg = (statistics.median(results[k]) for k in ("sqlite", "postgresql"))
        rows.append(f"| {threads} | {sq:,.0f} ({1000 / sq:.1f} ms) "
                    f"| {pg:,.0f} ({1000 / pg:.1f} ms) | {pg / sq:.2f} |")
    return "\n".join([
        "## Store: SQLite vs PostgreSQL",
        "",
        "Turns per second of store work (user turn + history of up to 200 turns + answer), "
        f"median of {ROUNDS} runs of {TURNS} turns over {CONVERSATIONS} conversations; "
        "PostgreSQL on loopback (fsync off). A model call takes 0.3–30 s, so the store's "
        "share of a turn is small either way; PostgreSQL is for several processes, "
        "not for speed.",
        "",
        "| threads | SQLite turns/s (per turn) | PostgreSQL turns/s (per turn) "
        "| PostgreSQL / SQLite |",
        "|---|---|---|---|",
        *rows,
    ])
