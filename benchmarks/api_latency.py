"""What the API presenter adds to a turn, and how it holds up with 50 streaming clients.

1. Added latency: the same scripted 50-chunk answer (no model latency) through ``Session``
   directly (in process) and through ``bot serve api`` (its own process) with the ``openai``
   client, streaming and not; runs alternate.
2. Many clients: N ``AsyncOpenAI`` streams at once (one process, one event loop), each a new
   conversation; the backend takes 0.5 s per answer. Wall time relative to one client alone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import openai

from backends.scripted import FunctionLLM, Reply
from bot.app import Bot
from bot.logging import configure_logging
from config import load_settings
from contracts.events import TextDelta
from contracts.llm import LLMRequest

RUNS, WARMUP = 30, 3
ANSWER = "word " * 50  # 250 characters in 50 chunks
CLIENTS = (1, 10, 50)
KEY = "sk-bench-0123456789abcdef"
ROOT = Path(__file__).resolve().parent.parent
CONFIG = """tools = []
[roles]
primary = "bench"
[profiles.bench]
kind = "function"
function = "benchmarks.api_latency:bench_answer"
"""


def bench_answer(request: LLMRequest) -> Reply:
    """The backend of both paths: fixed text, or, for "wait …", 0.5 s and a short answer."""
    if request.messages[-1].content.startswith("wait"):
        return Reply(text="done", chunk_chars=100, delay_s=0.5)
    return Reply(text=ANSWER, chunk_chars=5)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(data_dir: Path) -> Iterator[str]:
    """``bot serve api`` in its own process, so clients and server do not share a GIL."""
    port, config = _port(), data_dir / "bench.toml"
    config.write_text(CONFIG)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["BOT_API__KEYS__BENCH"] = KEY
    proc = subprocess.Popen(
        [sys.executable, "-m", "apps.cli.main", "--config", str(config), "--data-dir",
         str(data_dir / "served"), "serve", "api", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _up(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("bot serve api did not start")
            time.sleep(0.1)
        yield f"{url}/v1"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _session_turn(bot: Bot, n: int) -> float:
    started = time.perf_counter()
    events = [e async for e in bot.session(f"bench:{n}").send(f"Talk {n}.")]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == ANSWER
    return time.perf_counter() - started


async def _api_turn(client: openai.AsyncOpenAI, n: int, stream: bool) -> float:
    started = time.perf_counter()
    messages: Any = [{"role": "user", "content": f"Talk {n}."}]
    if stream:
        chunks = await client.chat.completions.create(model="bot", messages=messages,
                                                      stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
    else:
        done = await client.chat.completions.create(model="bot", messages=messages)
        text = done.choices[0].message.content or ""
    assert text == ANSWER
    return time.perf_counter() - started


async def _added_latency(url: str, data_dir: Path) -> dict[str, float]:
    settings = load_settings(data_dir=data_dir / "direct", tools=[])
    direct = Bot.from_settings(settings, llms={"primary": FunctionLLM(bench_answer)})
    client = openai.AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0)
    times: dict[str, list[float]] = {"session": [], "stream": [], "whole": []}
    try:
        for n in range(WARMUP + RUNS):
            got = {"session": await _session_turn(direct, n),
                   "stream": await _api_turn(client, 10_000 + n, True),
                   "whole": await _api_turn(client, 20_000 + n, False)}
            for path, seconds in got.items():
                if n >= WARMUP:
                    times[path].append(seconds)
    finally:
        await client.close()
        await direct.aclose()
    return {path: statistics.median(values) for path, values in times.items()}


async def _crowd(url: str, clients: int, round_: int) -> float:
    """``clients`` streams at once, each a new conversation; wall time until all finish."""
    client = openai.AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0,
                                timeout=300.0)  # seconds: the SDK rejects an httpx.Timeout

    async def one(n: int) -> None:
        stream = await client.chat.completions.create(
            model="bot", stream=True,
            messages=[{"role": "user", "content": f"wait {round_}-{n}"}])
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        assert text == "done"

    try:
        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(clients)))
        return time.perf_counter() - started
    finally:
        await client.close()


async def _crowds(url: str) -> dict[int, float]:
    await _crowd(url, 5, 0)  # warm-up
    return {n: await _crowd(url, n, n) for n in CLIENTS}


def run() -> str:
    configure_logging("warning")  # a `turn` log line per answer would be measured too
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, _server(Path(tmp)) as url:
        t = asyncio.run(_added_latency(url, Path(tmp)))
        walls = asyncio.run(_crowds(url))
    s = t["session"]
    rows = "\n".join(f"| {n} | {walls[n]:.2f} s | {walls[n] / walls[1]:.2f}× |"
                     for n in CLIENTS)
    return f"""## API presenter: added latency and 50 streaming clients

A scripted 50-chunk answer, median of {RUNS} turns each, `Session.send` directly (in process)
vs `bot serve api` in its own process through the `openai` client (`AsyncOpenAI`), each
turn a new conversation, alternating:

| path | per turn | vs `Session.send` |
| --- | --- | --- |
| `Session.send` directly | {s * 1000:.1f} ms | 1.00× |
| API, streaming (SSE) | {t["stream"] * 1000:.1f} ms | {t["stream"] / s:.1f}× |
| API, whole answer | {t["whole"] * 1000:.1f} ms | {t["whole"] / s:.1f}× |

Added per turn: {(t["stream"] - s) * 1000:.1f} ms streaming, {(t["whole"] - s) * 1000:.1f} ms
whole: HTTP and JSON on both ends, the key check, the conversation check against the store,
one SSE chunk per text piece. With a real model a turn takes seconds, so this is small.

N clients stream at once from one process (one event loop); the backend takes 0.5 s per
answer; each client is a new conversation. Wall time vs one client alone; the server and
the clients share this machine's cores (load average {load:.1f} at the start):

| clients | wall time | vs 1 client |
| --- | --- | --- |
{rows}"""


if __name__ == "__main__":
    print(run())
