"""``bot serve gradio`` under 100 users beside a bare Gradio app under the same 100 users.

Both servers run at once, each in its own process, with the same backend delay (0.5 s
before a one-word answer) and the same concurrency (32 at a time, the bot's default
``gradio.concurrency``). A crowd of N ``gradio_client`` users (threads of this process)
asks at once; crowds alternate bare app, bot, bare app, bot …, so both see the same load.
The figure is the median wall time of a crowd and the bot's ratio to the bare app.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.gradio_latency import _bot_command, _client, _server
from bot.logging import configure_logging

USERS = (1, 100)
ROUNDS = 3
CONCURRENCY = 32


def _bare_command(data_dir: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "benchmarks.gradio_crowd", "--bare", str(port)]


def bare_app(port: int) -> None:
    """The floor: a plain Gradio app that waits 0.5 s and answers, as the bot's backend."""
    import gradio as gr

    async def talk(message: str) -> AsyncIterator[str]:
        await asyncio.sleep(0.5)
        yield "done"

    with gr.Blocks(analytics_enabled=False) as demo:
        box, out = gr.Textbox(), gr.Textbox()
        box.submit(talk, box, out, api_name="chat")
    demo.queue(default_concurrency_limit=CONCURRENCY).launch(
        server_name="127.0.0.1", server_port=port, quiet=True, ssr_mode=False)


def _crowd(url: str, users: int, ask: Callable[[Any, int], object]) -> float:
    with ThreadPoolExecutor(users) as pool:
        clients = list(pool.map(lambda _: _client(url), range(users)))
        started = time.perf_counter()
        list(pool.map(ask, clients, range(users)))
        return time.perf_counter() - started


def _ask_bare(client: Any, n: int) -> object:
    return client.predict(f"wait {n}", api_name="/chat")


def _ask_bot(client: Any, n: int) -> object:
    return client.predict(f"wait {n}", [], None, api_name="/chat")


def _walls(bare_url: str, bot_url: str) -> dict[tuple[str, int], float]:
    walls: dict[tuple[str, int], list[float]] = {}
    for users in USERS:
        for _ in range(ROUNDS):
            walls.setdefault(("bare", users), []).append(_crowd(bare_url, users, _ask_bare))
            walls.setdefault(("bot", users), []).append(_crowd(bot_url, users, _ask_bot))
    return {key: statistics.median(values) for key, values in walls.items()}


def run() -> str:
    configure_logging("warning")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, \
            _server(Path(tmp) / "bare", _bare_command) as bare_url, \
            _server(Path(tmp), _bot_command) as bot_url:
        w = _walls(bare_url, bot_url)
    rows = "\n".join(f"| {n} | {w['bare', n]:.2f} s | {w['bot', n]:.2f} s | "
                     f"**{w['bot', n] / w['bare', n]:.2f}×** |" for n in USERS)
    return f"""## Gradio under 100 users, beside a bare Gradio app under the same users

Both servers run at once in their own processes; each answer waits 0.5 s (the bot's
scripted backend; `asyncio.sleep` in the bare app), {CONCURRENCY} at a time in both. N
`gradio_client` users (threads of one process) ask at once; crowds alternate bare app, bot,
{ROUNDS} rounds each; medians of the wall time until the last user has the answer. Goal:
the bot ≤ 1.2× the bare app. Load average {load:.1f} on {os.cpu_count()} cores at the start;
the servers and all the client threads share these cores.

| users | bare Gradio app | `bot serve gradio` | bot / bare |
| --- | --- | --- | --- |
{rows}"""


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare"]:
        bare_app(int(sys.argv[2]))
    else:
        print(run())
