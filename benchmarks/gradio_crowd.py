"""``bot serve gradio`` under 100 users beside a bare Gradio app under the same 100 users.

Both servers run at once, each in its own process, with the same backend delay (0.5 s
before a one-word answer) and the same concurrency (32 at a time, the bot's default
``gradio.concurrency``). A crowd of N users (threads of this process, each asking over
Gradio's HTTP API on its own connection: :mod:`benchmarks.gradio_sse`) asks at once;
crowds alternate bare app, bot, bare app, bot …, so both see the same load.
The figure is the median wall time of a crowd and the bot's ratio to the bare app, and
beside it each server's CPU time per answer (which moves far less than wall time on a
shared machine).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from benchmarks.gradio_latency import _bot_command, _server
from benchmarks.gradio_sse import crowd
from bot.logging import configure_logging

USERS = (1, 100)
ROUNDS = 7
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


def cpu_s(pid: int) -> float:
    """A process's CPU time so far (user + system), from /proc (Linux; 10 ms ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _crowd(url: str, pid: int, users: int, data: Callable[[int], list[Any]]
           ) -> tuple[float, float]:
    """Wall time of a crowd, and the server's CPU time over it."""
    cpu: list[float] = []
    wall = crowd(url, "chat", [data(n) for n in range(users)], lambda: cpu.append(cpu_s(pid)))
    return wall, cpu[1] - cpu[0]


def _bare_data(n: int) -> list[Any]:
    return [f"wait {n}"]


def _bot_data(n: int) -> list[Any]:
    return [f"wait {n}", [], None]


Key = tuple[str, int]


def _walls(urls: dict[str, str], pids: dict[str, int]
           ) -> tuple[dict[Key, float], dict[Key, float]]:
    """Median wall time and server CPU per crowd, by (app, users); crowds alternate, and
    which app goes first alternates round by round."""
    runs: dict[Key, list[tuple[float, float]]] = {}
    data_of = {"bare": _bare_data, "bot": _bot_data}
    for users in USERS:
        for round_no in range(ROUNDS):
            # who goes first alternates, so neither always meets the other's leftovers
            for name in ("bare", "bot")[:: 1 if round_no % 2 == 0 else -1]:
                crowd = _crowd(urls[name], pids[name], users, data_of[name])
                runs.setdefault((name, users), []).append(crowd)
    walls = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    return walls, {k: statistics.median(c for _, c in v) for k, v in runs.items()}


def run() -> str:
    configure_logging("warning")
    load = os.getloadavg()[0]
    pids: list[int] = []
    with tempfile.TemporaryDirectory() as tmp, \
            _server(Path(tmp) / "bare", _bare_command, pids) as bare_url, \
            _server(Path(tmp), _bot_command, pids) as bot_url:
        bare_pid, bot_pid = pids
        w, cpu = _walls({"bare": bare_url, "bot": bot_url}, {"bare": bare_pid, "bot": bot_pid})
    return report(w, cpu, load)


def report(w: dict[Key, float], cpu: dict[Key, float], load: float) -> str:
    """The section: the table, then what the bot's page does beyond the bare app."""
    rows = "\n".join(f"| {n} | {w['bare', n]:.2f} s | {w['bot', n]:.2f} s | "
                     f"**{w['bot', n] / w['bare', n]:.2f}×** | "
                     f"{_per_answer(cpu, 'bare', n)} | {_per_answer(cpu, 'bot', n)} |"
                     for n in USERS)
    return f"""## Gradio under 100 users, beside a bare Gradio app under the same users

Both servers run at once in their own processes; each answer waits 0.5 s (the bot's
scripted backend; `asyncio.sleep` in the bare app), {CONCURRENCY} at a time in both (queue
large enough for the whole crowd in both). N users (threads of one process, each on its own
connection, asking over Gradio's HTTP API and reading the events as they arrive) ask at
once; crowds alternate between the apps ({ROUNDS} rounds each, the first app of a round
alternating too); medians of the wall time
until the last user has the answer, and of each server's CPU time over the crowd per
answer (/proc, 10 ms ticks: too coarse for one user). Goal: the bot ≤ 1.2× the bare app.
Load average {load:.1f} on {os.cpu_count()} cores at the start; the servers and all the client
threads share these cores, and on a shared machine the wall times move with the other load
far more than the CPU times do.

| users | bare Gradio app | `bot serve gradio` | bot / bare | bare CPU / answer | bot CPU / answer |
| --- | --- | --- | --- | --- | --- |
{rows}

{FAIRNESS}

{CHANGES}"""


def _per_answer(cpu: dict[Key, float], name: str, users: int) -> str:
    return f"{cpu[name, users] / users * 1000:.1f} ms" if users >= 20 else "–"


FAIRNESS = """What the comparison holds equal and what it cannot: both handlers are async
generators behind the same queue and concurrency, and the bot's backend waits as long as
the bare app's. What the bare app does not do is what the chat page is: it stores the
question and the answer (two trips to the store's thread), and sends three updates per
answer where the bare app sends one — the question shown and the box cleared at once, the
text, and the closing update with the turn id that 👍/👎 need (a longer answer streams at
most one update per `gradio.stream_interval_s`); each update carries the chat, the
conversation id and the two States. Its page has 54 blocks (chat, feedback panel, the
Stats tab, the `/feedback`, `/elicit` and `/approve` endpoints' hidden inputs) to the bare
app's 2, and it keeps a heartbeat stream open per session because the page has State."""


CHANGES = """Where the bot's extra server time went, and what was cut (profiles of the server under
these crowds: cProfile on its event loop, timing CPU rather than wall time, and py-spy).
First round: Gradio's per-session config of the 54 blocks was the largest part, most of it
`inspect.signature` of each component's constructor — the page pins each component
class's signature (`presenters/gradio/hints.py`); Gradio read each handler's type hints on
every event, and our postponed annotations made that a compile and evaluation each time —
they are evaluated once; the answer sent four updates — every change is now paced (shown
at once when the last update is older than `gradio.stream_interval_s`, 0.05 s, else with
the next update or when the interval ends), so a short answer's usage and turn id ride in
one closing update; the turn-id and question States are sent only when they change; and
with `[access]` off a turn takes no trip to a thread to look up nobody. That left the bot
at 1.37–1.39× the bare app, 11.9–13.1 ms of server CPU per answer against 3.9–4.3 ms.

Second round (`presenters/gradio/bookkeeping.py`), on the profile of that code: still a
third of the event loop's CPU was Gradio deriving the config of all 54 blocks at each new
session's first event (`SessionState`; about 0.9 ms in process), kept only for Gradio's
deep-link snapshot, which the page does not offer — a session now derives a block's config
when something reads it, from the same block, and notes the values an event gives a block
without deriving its config; a `gr.skip()` for the question box (two per answer) made
Gradio build a new Textbox and derive its config to send `{"__type__": "update"}` — that
is now sent without the rebuild; and Gradio ran each input's `preprocess` and each update's
outputs' `postprocess` on a worker thread, a trip there and back for each (about 10 per
answer against the bare app's 2), dumping each output twice — `/chat`, `/retry` and the
example's answer now do the same pre- and postprocessing in the handler, once
(`preprocess=False, postprocess=False` on those events). What the page and API clients
receive is unchanged (tests compare both paths' inputs, updates and session state with
Gradio's own). In process, a new session's first answer costs Gradio's bookkeeping
0.39 ms of CPU where it cost 2.9–3.3 ms. What remains of the gap is what the page is: the
turn itself (the Session, the agent, two store trips: about a quarter of the remaining
difference), three updates and their server-sent messages instead of one, Gradio walking
each update's chat for file URLs, and its per-update scan of the page's ~40 events for
State change listeners."""


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare"]:
        bare_app(int(sys.argv[2]))
    else:
        print(run())
