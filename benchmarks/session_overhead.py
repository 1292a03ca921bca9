"""What a turn through ``Session`` adds to the raw ``AsyncOpenAI`` streaming call.

Both stream the same 200-token reply (200 SSE chunks, no latency) from the fake
OpenAI-compatible server of the test suite, run in its own process so that its work does
not compete with the client's for one interpreter. Runs alternate, raw then Session, so
both see the same machine; the figure is the median of the paired differences. The Session
path is the whole product path: store writes, history, prompt, the agent's tool loop (tools
offered), retry wrapper, usage metering, the turn view and events.

A second measurement takes HTTP out: the same reply from the scripted backend, read
directly vs through ``Session``, which is the core's own cost per turn.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import openai

from backends.scripted import Reply, ScriptedLLM
from benchmarks.child_server import server_process
from bot.app import Bot
from bot.logging import configure_logging
from config import Settings, load_settings
from contracts.events import TextDelta
from contracts.llm import LLMRequest, TextChunk
from contracts.messages import ChatMessage
from tests.fakes.openai_server import FakeOpenAI, FakeReply

RUNS = 150
WARMUP = 10
TEXT = "word " * 200
REPLY = FakeReply(text=TEXT, chunk_chars=5, usage=(50, 200))  # 200 chunks


def serve() -> None:
    """In the child process: answer every request with REPLY until stdin closes."""
    with FakeOpenAI() as server:
        server.respond = lambda body: REPLY
        print(server.port, flush=True)
        sys.stdin.read()


Timing = tuple[float, float]  # wall seconds, CPU seconds of this process


def _since(wall: float, cpu: float) -> Timing:
    return time.perf_counter() - wall, time.process_time() - cpu


async def _raw(client: openai.AsyncOpenAI) -> Timing:
    started = time.perf_counter(), time.process_time()
    stream = await client.chat.completions.create(
        model="fake-model", messages=[{"role": "user", "content": "Talk."}], stream=True,
        stream_options={"include_usage": True})
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert len(text) == len(TEXT)
    return _since(*started)


async def _session(bot: Bot, n: int) -> Timing:
    started = time.perf_counter(), time.process_time()
    events = [e async for e in bot.session(f"bench:{n}").send("Talk.")]
    assert len("".join(e.text for e in events if isinstance(e, TextDelta))) == len(TEXT)
    return _since(*started)


async def _scripted(llm: ScriptedLLM) -> Timing:
    started = time.perf_counter(), time.process_time()
    request = LLMRequest(messages=[ChatMessage.user("Talk.")])
    text = "".join([c.text async for c in llm.stream(request) if isinstance(c, TextChunk)])
    assert len(text) == len(TEXT)
    return _since(*started)


async def _pairs(baseline: Any, ours: Any) -> tuple[list[Timing], list[Timing]]:
    base, mine = [], []
    for n in range(WARMUP + RUNS):
        b, m = await baseline(), await ours(n)
        if n >= WARMUP:
            base.append(b)
            mine.append(m)
    return base, mine


def _settings(data_dir: Path, base_url: str) -> Settings:
    profile = {"kind": "openai", "base_url": base_url, "model": "fake-model"}
    return load_settings(data_dir=data_dir, tools=["clock", "calculator"], agent="tools",
                         roles={"primary": "fake"}, profiles={"fake": profile})


async def _over_http(base_url: str, data_dir: Path) -> tuple[list[Timing], list[Timing]]:
    bot = Bot.from_settings(_settings(data_dir, base_url))
    client = openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0)
    try:
        return await _pairs(lambda: _raw(client), lambda n: _session(bot, n))
    finally:
        await client.close()
        await bot.aclose()


async def _in_process(data_dir: Path) -> tuple[list[Timing], list[Timing]]:
    reply = Reply(text=TEXT, chunk_chars=5)
    bare = ScriptedLLM(default=reply)
    settings = load_settings(data_dir=data_dir, tools=["clock", "calculator"], agent="tools")
    bot = Bot.from_settings(settings, llms={"primary": ScriptedLLM(default=reply)})
    try:
        return await _pairs(lambda: _scripted(bare), lambda n: _session(bot, n))
    finally:
        await bot.aclose()


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms"


def _row(name: str, base: list[Timing], ours: list[Timing]) -> str:
    """Per turn: the medians, the median of the paired differences, the added CPU time."""
    wall_b, wall_o = [t[0] for t in base], [t[0] for t in ours]
    added = [o - b for b, o in zip(wall_b, wall_o, strict=True)]
    cpu = [o[1] - b[1] for b, o in zip(base, ours, strict=True)]
    return f"| {name} | {_ms(wall_b)} | {_ms(wall_o)} | **{_ms(added)}** | {_ms(cpu)} |"


def run() -> str:
    configure_logging("warning")  # one `turn` log line per run would be measured too
    with server_process(__name__) as url, tempfile.TemporaryDirectory() as tmp:
        http = asyncio.run(_over_http(url, Path(tmp) / "http"))
        local = asyncio.run(_in_process(Path(tmp) / "local"))
    return (
        "## Session overhead: what a turn through `Session` adds\n\n"
        "A 200-token reply in 200 chunks, no latency; runs alternate (baseline, then Session), "
        f"{RUNS} pairs after {WARMUP} warm-ups; *added* is the median of the paired "
        "differences. Over HTTP the fake OpenAI-compatible server "
        "(tests/fakes/openai_server.py) runs in its own process; in process, the same reply "
        "comes from the scripted backend. *CPU* is this process's CPU time (all its threads), "
        "which moves far less than wall time when the machine is shared; the load average "
        f"during the run was {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n\n"
        "| baseline | baseline | `Session.send` | **added** (median of pairs) | added CPU |\n"
        "|---|---|---|---|---|\n"
        f"{_row('raw `AsyncOpenAI` stream, over HTTP', *http)}\n"
        f"{_row('scripted backend read directly, in process', *local)}\n\n"
        "Where it goes (CPU per turn over HTTP, measured layer by layer on 2026-12-01 at a "
        "load average of ~10, cProfile for the in-process calls): reading the SDK's chunks into "
        "ours +0.9 ms; the retry wrapper +0.4 ms; the agent (system prompt and two tool specs "
        "in the request, one event per chunk) +1.0 ms; the turn runner +2.2 ms (turn view, "
        "usage, the stored record, and two trips to the store's thread: the user's turn with "
        "the history before it, then the answer). Those trips cost ~0.05 ms each on an idle "
        "machine but wait for a free core on a busy one: running the store inline saved 0.5 ms "
        "CPU and 11 ms wall at that load. They stay, so a slow or locked store never blocks the "
        "event loop. In process the whole core costs about 1 ms per 200-chunk turn. With a "
        "real model the stream itself takes seconds."
    )


if __name__ == "__main__" and "--serve" in sys.argv:
    serve()
