"""What the Gradio page adds to a turn, and how it holds up with many users at once.

1. Added latency: the same scripted 50-chunk answer (no model latency) through ``Session``
   directly and through ``bot serve gradio`` (its own process), asked over Gradio's HTTP
   API read as it streams (:mod:`benchmarks.gradio_sse`, as a browser reads it) and with
   ``gradio_client``, beside a bare Gradio app asked both ways.
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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from backends.scripted import FunctionLLM, Reply
from benchmarks.gradio_sse import ask as ask_sse
from benchmarks.gradio_sse import crowd
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
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:  # its shutdown is not what is measured
            proc.kill()
            proc.wait(10)


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


def _timed(ask: Any, n: int) -> float:
    started = time.perf_counter()
    ask(n)
    return time.perf_counter() - started


def _page_turns(url: str, data: list[Any], session: Any = None) -> dict[str, float]:
    """Median seconds per turn: ``session`` (in process, if given), the HTTP API read as it
    streams, and ``gradio_client``, one of each in turn."""
    client, http = _client(url), httpx.Client(timeout=300.0)
    ways: dict[str, Any] = {
        "sse": lambda n: ask_sse(http, url, "chat", data),
        "client": lambda n: client.predict(*data, api_name="/chat"),
    }
    if session is not None:
        ways["session"] = session
    times: dict[str, list[float]] = {way: [] for way in ways}
    for n in range(WARMUP + RUNS):  # one turn of each way in turn
        for way, ask in ways.items():
            took = _timed(ask, n)
            if n >= WARMUP:
                times[way].append(took)
    http.close()
    return {way: statistics.median(t) for way, t in times.items()}


def _added_latency(url: str, data_dir: Path) -> dict[str, float]:
    settings = load_settings(data_dir=data_dir / "direct", tools=[])
    direct = Bot.from_settings(settings, llms={"primary": FunctionLLM(bench_answer)})
    return _page_turns(url, ["Talk.", [], None], lambda n: _session_turn(direct, n))


def _crowd(url: str, users: int) -> float:
    return crowd(url, "chat", [["wait", [], None]] * users, lambda: None)


def run() -> str:
    configure_logging("warning")  # a `turn` log line per answer would be measured too
    with tempfile.TemporaryDirectory() as tmp:
        with _server(Path(tmp), _bare_command) as url:
            bare = _page_turns(url, ["Talk."])
        with _server(Path(tmp)) as url:
            page = _added_latency(url, Path(tmp))
            walls = {n: _crowd(url, n) for n in USERS}
    one = walls[1]

    added = {way: page[way] - page["session"] for way in ("sse", "client")}
    ratio = {way: page[way] / bare[way] for way in ("sse", "client")}

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    rows = "\n".join(f"| {n} | {walls[n]:.2f} s | {walls[n] / one:.2f}× |" for n in USERS)
    return f"""## Gradio page: added latency and many users

A scripted 50-chunk answer, median of {RUNS} turns, `Session` directly (in process) vs
`bot serve gradio` in its own process (`/chat`), each turn asked two ways, alternating:
over Gradio's HTTP API with the events read as they arrive (as a browser reads them), and
with `gradio_client`, which hands each event to its caller through a queue it polls every
50 ms. The floor beside it: a bare Gradio app (the same text in one update, no bot), asked
the same two ways.

| path | HTTP API, read as it streams | `gradio_client` |
| --- | --- | --- |
| `Session.send` directly | {ms(page["session"])} | |
| Gradio page (`/chat`) | {ms(page["sse"])} | {ms(page["client"])} |
| **added by the page** | **{ms(added["sse"])}** | {ms(added["client"])} |
| floor: a bare Gradio app | {ms(bare["sse"])} | {ms(bare["client"])} |
| **the page vs the bare app** | **{ratio["sse"]:.2f}×** | {ratio["client"]:.2f}× |

What the page adds over `Session.send` is mostly Gradio's own round trip (the queue join,
the server-sent events), which the bare app pays too. `gradio_client` adds its polling on
top, {ms(page["client"] - page["sse"])} a turn here: a turn it times is mostly the client.

N users (threads of one process, each on its own connection, over the HTTP API) ask at
once; the backend takes 0.5 s per answer; default `gradio.concurrency` = 32, so past 32
users answers queue in waves.
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
