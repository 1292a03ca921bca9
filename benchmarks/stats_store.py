"""A generated store of 1,000,000 turns for the ``bot stats`` benchmark, in SQLite or PostgreSQL.

Rows are made by one seeded generator, so both stores hold the same data. The store is
loaded at schema step 2, as a store from before usage analytics: opening it then runs
step 3 (the analytics table, indexes and backfill) on the million turns, as an upgrade would.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stores.migrations import POSTGRES, SQLITE, migrate
from stores.schema import STEPS

ANSWERS = 500_000
PER_CONVERSATION = 5
DAYS = 180
TURN_COLUMNS = ("id", "conversation_id", "key", "role", "text", '"user"', "tool_calls",
                "sources", "backend", "model", "input_tokens", "output_tokens", "cost_usd",
                "latency_s", "ttft_s", "error_id", "interrupted", "superseded", "created_at")
MODELS = [("openai", "gpt-4o-mini", 0.15, 0.6), ("groq", "llama-3.1-8b", 0.05, 0.08),
          ("local", "SmolLM2-135M", 0.0, 0.0)]
ANSWER = "Create the Slack app from the manifest, then copy the bot token [1]. " * 6
PASSAGE = "To connect the bot to Slack, create an app from presenters/slack/manifest.yaml. " * 3
QUESTIONS = [f"How do I configure feature {n} for my team?" for n in range(300)]


def _key(conversation: int, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return f"slack:T1:C{rng.randrange(40):02d}:{conversation}.000100"
    return f"gradio:{conversation:022d}" if r < 0.9 else f"stdio:{conversation}"


def _sources(rng: random.Random, n: int) -> list[dict[str, Any]]:
    docs = rng.sample(range(200), n)
    return [{"n": i + 1, "source": f"docs/page{d:03d}.md", "title": "", "heading": "Setup",
             "score": 0.5, "text": PASSAGE} for i, d in enumerate(docs)]


def rows(now: float) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """("turns" | "turn_sources" | "feedback" | "conversations", row), in id order."""
    rng = random.Random(13)
    start, step = now - DAYS * 86400, DAYS * 86400 / ANSWERS
    key = ""
    for i in range(ANSWERS):
        conv, t = i // PER_CONVERSATION + 1, start + i * step
        if i % PER_CONVERSATION == 0:
            key, user = _key(conv, rng), f"U{rng.randrange(1000):04d}"
            yield "conversations", (conv, key, t, 0)
        yield "turns", (2 * i + 1, conv, key, "user", rng.choice(QUESTIONS), user, "[]", "[]",
                        None, None, 0, 0, 0.0, None, None, None, 0, 0, t)
        yield from _answer(rng, 2 * i + 2, conv, key, user, t + 0.5)


def _answer(rng: random.Random, tid: int, conv: int, key: str, user: str,
            t: float) -> Iterator[tuple[str, tuple[Any, ...]]]:
    backend, model, p_in, p_out = rng.choice(MODELS)
    searched, found = rng.random() < 0.7, rng.random() > 0.07
    sources = _sources(rng, rng.randint(1, 3)) if searched and found else []
    calls = [{"id": "c1", "name": "search_knowledge", "arguments": {"query": "slack"}}]
    tin, tout = rng.randint(200, 3000), rng.randint(20, 600)
    latency = rng.lognormvariate(0.7, 0.6)
    failed = rng.random() < 0.02
    yield "turns", (tid, conv, key, "assistant", "" if failed else ANSWER, user,
                    json.dumps(calls if searched else []), json.dumps(sources), backend, model,
                    tin, tout, (tin * p_in + tout * p_out) / 1e6, latency,
                    latency * rng.uniform(0.1, 0.4), f"e{tid:08x}" if failed else None, 0, 0, t)
    for s in sources:
        yield "turn_sources", (tid, t, s["source"])
    if rng.random() < 0.06:
        yield "feedback", (tid, tid, 1 if rng.random() < 0.75 else -1, None, user, t + 30)


BEFORE_ANALYTICS = STEPS[:2]  # the tables as they were; step 3 builds from the rows
INSERTS = {
    "conversations": "INSERT INTO conversations (id, key, created_at, archived) VALUES (?,?,?,?)",
    "turns": f"INSERT INTO turns ({', '.join(TURN_COLUMNS)}) VALUES ({', '.join('?' * 19)})",
    "feedback": 'INSERT INTO feedback (id, turn_id, score, comment, "user", created_at) '
                "VALUES (?,?,?,?,?,?)",
}


def fill_sqlite(path: Path, now: float) -> float:
    """Write the rows into a new SQLite file; returns the seconds it took."""
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    migrate(conn.cursor(), SQLITE, BEFORE_ANALYTICS)
    batches: dict[str, list[tuple[Any, ...]]] = {t: [] for t in INSERTS}
    for table, row in rows(now):
        if table not in batches:
            continue
        batches[table].append(row)
        if len(batches[table]) >= 20_000:
            conn.executemany(INSERTS[table], batches[table])
            batches[table].clear()
    for table, batch in batches.items():
        conn.executemany(INSERTS[table], batch)
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def fill_postgres(url: str, now: float) -> float:
    """COPY the same rows into the (empty) schema ``url`` names; then VACUUM ANALYZE."""
    import psycopg

    started = time.perf_counter()
    columns = {"conversations": "(id, key, created_at, archived)",
               "turns": f"({', '.join(TURN_COLUMNS)})",
               "feedback": '(id, turn_id, score, comment, "user", created_at)'}
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            migrate(conn.cursor(), POSTGRES, BEFORE_ANALYTICS)
        with conn.cursor() as cur:
            for table in ("conversations", "turns", "feedback"):
                with cur.copy(f"COPY {table} {columns[table]} FROM STDIN") as copy:
                    for name, row in rows(now):
                        if name == table:
                            copy.write_row(row)
        for table in ("conversations", "turns", "feedback"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT MAX(id) FROM {table}))")
    return time.perf_counter() - started
