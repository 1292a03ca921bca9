"""What the Gradio page adds to a turn, and how it holds up with many users at once.

1. Added latency: the same scripted 50-chunk answer (no model latency) through ``Session``
   directly and through ``bot serve gradio`` (its own process) with ``gradio_client``.
2. Many users: N clients each ask one question at once; the backend takes 0.5 s per answer.
   Wall time is reported relative to one user alone (1.0 = as fast as a single user).
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
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from backends.scripted import FunctionLLM, Reply
from bot.app import Bot
from bot.logging import configure_logging
from config import load_settings
from contracts.events import TextDelta
from contracts.llm import LLMRequest

RUNS, WARMUP = 30, 3
ANSWER = "word " * 50  # 250 characters in 50 chunks
USERS = (1, 20, 50, 100)
ROOT = Path(__file__).resolve().parent.parent


def bench_answer(request: LLMRequest) -> Reply:
    """The backend of both paths (a ``function`` profile names it): fixed text, or 0.5 s."""
    question = request.messages[-1].content
    if question.startswith("wait"):
        return Reply(text="done", chunk_chars=100, delay_s=0.5)
    return Reply(text=ANSWER, chunk_chars=5)


CONFIG = """tools = []
[roles]
primary = "bench"
[profiles.bench]
kind = "function"
function = "benchmarks.gradio_latency:bench_answer"
[gradio]
queue_size = 1000
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bot_command(data_dir: Path, port: int) -> list[str]:
    config = data_dir / "bench.toml"
    config.write_text(CONFIG)
    return [sys.executable, "-m", "apps.cli.main", "--config", str(config), "--data-dir",
            str(data_dir), "serve", "gradio", "--port", str(port)]


def _bare_command(data_dir: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "benchmarks.gradio_latency", "--bare", str(port)]


def bare_app(port: int) -> None:
    """The floor: a plain Gradio app streaming the same text in one update, no bot."""
    import gradio as gr

    async def talk(message: str) -> AsyncIterator[str]:
        yield ANSWER

    with gr.Blocks(analytics_enabled=False) as demo:
        box, out = gr.Textbox(), gr.Textbox()
        box.submit(talk, box, out, api_name="chat")
    demo.queue(default_concurrency_limit=32).launch(
        server_name="127.0.0.1", server_port=port, quiet=True, ssr_mode=False)


@contextmanager
def _server(data_dir: Path, command: Any = _bot_command,
            pids: list[int] | None = None) -> Iterator[str]:
    """A server in its own process, so clients and server do not share a GIL; its process
    id is appended to ``pids`` (to read its CPU time)."""
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    proc = subprocess.Popen(command(data_dir, port), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if pids is not None:
        pids.append(proc.pid)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while not _up(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("bot serve gradio did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, httpx_kwargs={"timeout": httpx.Timeout(300.0)})


def _session_turn(bot: Bot, n: int) -> float:
    async def turn() -> float:
        started = time.perf_counter()
        events = [e async for e in bot.session(f"bench:{n}").send("Talk.")]
        assert "".join(e.text for e in events if isinstance(e, TextDelta)) == ANSWER
        return time.perf_counter() - started

    return asyncio.run(turn())


def _page_turn(client: Any) -> float:
    started = time.perf_counter()
    client.predict("Talk.", [], None, api_name="/chat")
    return time.perf_counter() - started


def _bare_turns(url: str) -> float:
    client, times = _client(url), []
    for n in range(WARMUP + RUNS):
        started = time.perf_counter()
        client.predict("Talk.", api_name="/chat")
        if n >= WARMUP:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _added_latency(url: str, data_dir: Path) -> tuple[float, float]:
    settings = load_settings(data_dir=data_dir / "direct", tools=[])
    direct = Bot.from_settings(settings, llms={"primary": FunctionLLM(bench_answer)})
    client = _client(url)
    ours, page = [], []
    for n in range(WARMUP + RUNS):
        s, g = _session_turn(direct, n), _page_turn(client)
        if n >= WARMUP:
            ours.append(s)
            page.append(g)
    return statistics.median(ours), statistics.median(page)


def _crowd(url: str, users: int) -> float:
    with ThreadPoolExecutor(users) as pool:
        clients = list(pool.map(lambda _: _client(url), range(users)))
        started = time.perf_counter()
        list(pool.map(lambda c: c.predict("wait", [], None, api_name="/chat"), clients))
        return time.perf_counter() - started


def run() -> str:
    configure_logging("warning")  # a `turn` log line per answer would be measured too
    with tempfile.TemporaryDirectory() as tmp:
        with _server(Path(tmp), _bare_command) as url:
            bare_s = _bare_turns(url)
        with _server(Path(tmp)) as url:
            session_s, page_s = _added_latency(url, Path(tmp))
            walls = {n: _crowd(url, n) for n in USERS}
    one = walls[1]
    rows = "\n".join(f"| {n} | {walls[n]:.2f} s | {walls[n] / one:.2f}× |" for n in USERS)
    return f"""## Gradio page: added latency and many users

A scripted 50-chunk answer, median of {RUNS} turns, `Session` directly (in process) vs
`bot serve gradio` in its own process through `gradio_client` (`/chat`), alternating:

| path | per turn |
| --- | --- |
| `Session.send` directly | {session_s * 1000:.1f} ms |
| Gradio page (`/chat`) | {page_s * 1000:.1f} ms |
| **added by the page** | **{(page_s - session_s) * 1000:.1f} ms** ({page_s / session_s:.1f}×) |
| floor: a bare Gradio app, same text in one update, no bot | {bare_s * 1000:.1f} ms |

Most of what the page adds is Gradio's own round trip (queue join, server-sent events,
`gradio_client`); the bare app shows that floor on the same machine.

N `gradio_client` users (threads of one process) ask at once; the backend takes 0.5 s per
answer; default `gradio.concurrency` = 32, so past 32 users answers queue in waves.
Wall time vs one user alone. The 0.5 s waits overlap (the store shows a crowd's answers
written within about 0.1 s of each other); what grows with N is the CPU each request costs
the Gradio server and the N client threads, all on these 2 cores:

| users | wall time | vs 1 user |
| --- | --- | --- |
{rows}"""


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare"]:
        bare_app(int(sys.argv[2]))
    else:
        print(run())
