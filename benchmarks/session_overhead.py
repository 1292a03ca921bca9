"""A turn through ``Session`` vs the raw ``AsyncOpenAI`` streaming call, same local server.

Both stream the same 200-token reply (200 SSE chunks, no latency) from the fake
OpenAI-compatible server of the test suite; runs alternate so both see the same machine.
The Session path is the whole product path: store writes, history, prompt, the agent's tool
loop (tools offered), retry wrapper, usage metering and events.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import openai

from bot.app import Bot
from bot.contracts.events import TextDelta
from bot.logging import configure_logging
from config import load_settings
from tests.fakes.openai_server import FakeOpenAI, FakeReply

RUNS = 40
WARMUP = 3
REPLY = FakeReply(text="word " * 200, chunk_chars=5, usage=(50, 200))  # 200 chunks


async def _raw(client: openai.AsyncOpenAI, model: str) -> float:
    started = time.perf_counter()
    stream = await client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Talk."}], stream=True,
        stream_options={"include_usage": True})
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert len(text) == 1000
    return time.perf_counter() - started


async def _session(bot: Bot, n: int) -> float:
    started = time.perf_counter()
    events = [e async for e in bot.session(f"bench:{n}").send("Talk.")]
    assert len("".join(e.text for e in events if isinstance(e, TextDelta))) == 1000
    return time.perf_counter() - started


async def _measure(server: FakeOpenAI, data_dir: Path) -> tuple[list[float], list[float]]:
    profile = {"kind": "openai", "base_url": server.base_url, "model": server.model}
    settings = load_settings(data_dir=data_dir, tools=["clock", "calculator"],
                             roles={"primary": "fake"}, profiles={"fake": profile})
    bot = Bot.from_settings(settings)
    client = openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0)
    raw, ours = [], []
    try:
        for n in range(WARMUP + RUNS):
            server.reply(REPLY, REPLY)
            r, s = await _raw(client, server.model), await _session(bot, n)
            if n >= WARMUP:
                raw.append(r)
                ours.append(s)
    finally:
        await client.close()
        await bot.aclose()
    return raw, ours


def run() -> str:
    configure_logging("warning")  # one `turn` log line per run would be measured too
    with FakeOpenAI() as server, tempfile.TemporaryDirectory() as tmp:
        raw, ours = asyncio.run(_measure(server, Path(tmp)))
    r, s = statistics.median(raw), statistics.median(ours)
    return (
        "## Session overhead: a turn through `Session` vs raw `AsyncOpenAI` streaming\n\n"
        f"Same loopback OpenAI-compatible server (tests/fakes/openai_server.py, in-process "
        f"thread), a 200-token reply in 200 SSE chunks, no latency; median of {RUNS} "
        f"alternating runs after {WARMUP} warm-ups.\n\n"
        "| path | median per turn | ratio |\n|---|---|---|\n"
        f"| raw `AsyncOpenAI.chat.completions.create(stream=True)` | {r * 1000:.1f} ms | 1.00× |\n"
        f"| `Session.send` (store, history, agent, retries, usage) | {s * 1000:.1f} ms | "
        f"{s / r:.2f}× |\n\n"
        f"Overhead per turn: {(s - r) * 1000:.1f} ms (SQLite writes, prompt, tool specs, "
        "events). With a real model the stream itself takes seconds, so this is noise."
    )
