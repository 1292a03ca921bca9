"""``bot serve api`` beside the floor any HTTP front has: the model server and a bare proxy.

Four paths to the same OpenAI-compatible model server (the fake of the test suite, in its
own process, a 50-chunk answer streamed, or the same answer whole, with no latency), each
asked by the same ``openai`` client, streamed and whole, alternating request by request:

1. the model server directly;
2. a bare Starlette pass-through proxy (its own process, uvicorn) that relays the request
   body upstream and the response bytes back: the least any HTTP front can cost;
3. a bare *reading* proxy (its own process, uvicorn): what any front that must read the
   answer cannot avoid, as the bot does: it asks upstream through the same ``openai``
   client as the bot's backend (plain JSON) for what its client asked for, a stream (read
   with the same SSE reader, each chunk re-encoded) or a whole answer (re-encoded whole);
4. ``bot serve api`` (its own process; tools and the knowledge base off) with the model
   server as its ``openai`` profile: the whole product path (key check, conversation,
   store, agent, usage, SSE); a whole answer it asks upstream for whole
   (``Session.send(…, whole=True)``, ``LLMRequest.whole``).

The figure is the median per path and its ratio to the bare proxy.
"""

from __future__ import annotations

import asyncio
import json
import os
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

from benchmarks.api_latency import KEY, ROOT, _port, _up
from benchmarks.child_server import server_process
from bot.logging import configure_logging
from tests.fakes.openai_server import FakeOpenAI, FakeReply

RUNS, WARMUP = 60, 5
ANSWER = "word " * 50  # 50 chunks of 5 characters
REPLY = FakeReply(text=ANSWER, chunk_chars=5, usage=(20, 50))
PATHS = ("model server directly", "bare Starlette proxy", "bare reading proxy",
         "`bot serve api`")
Server = tuple[str, int | None]  # base URL, and the process to count CPU time of
Times = dict[tuple[str, bool], float]  # seconds, by path and streamed or not
CONFIG = """tools = []
[roles]
primary = "upstream"
[profiles.upstream]
kind = "openai"
base_url = "{url}"
model = "fake-model"
"""


def serve() -> None:
    """In the child process: the model server, answering REPLY until stdin closes."""
    with FakeOpenAI() as server:
        server.respond = lambda body: REPLY
        print(server.port, flush=True)
        sys.stdin.read()


def proxy_app(upstream: str) -> Any:
    """A Starlette app relaying ``POST /v1/chat/completions`` to ``upstream`` byte for byte."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    client = httpx.AsyncClient(base_url=upstream, timeout=60)

    async def chat(request: Request) -> StreamingResponse:
        sent = client.build_request("POST", "/chat/completions", content=await request.body(),
                                    headers={"content-type": "application/json"})
        answer = await client.send(sent, stream=True)
        return StreamingResponse(answer.aiter_raw(), status_code=answer.status_code,
                                 media_type=answer.headers.get("content-type"),
                                 background=_closing(answer))

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]),
                             Route("/health", health)])


def reading_app(upstream: str) -> Any:
    """A Starlette app that reads the upstream answer as the bot's backend does (same client,
    same SSE reader, plain JSON) and answers with it re-encoded: a stream chunk by chunk, a
    whole answer (asked upstream for whole) as one body."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    client = openai.AsyncOpenAI(base_url=upstream, api_key="x", max_retries=0)

    async def chat(request: Request) -> Response:
        body = await request.json()
        if not body.get("stream"):  # a whole answer, asked for whole, as the bot does
            return JSONResponse(await client.post("/chat/completions", body=body,
                                                  cast_to=object))
        chunks = await client.post("/chat/completions", body=body, cast_to=object,
                                   stream=True, stream_cls=openai.AsyncStream[object])
        return StreamingResponse(_sse(chunks), media_type="text/event-stream")

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]),
                             Route("/health", health)])


async def _sse(chunks: Any) -> Any:
    async for chunk in chunks:
        yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


def _closing(answer: httpx.Response) -> Any:
    from starlette.background import BackgroundTask

    return BackgroundTask(answer.aclose)


@contextmanager
def _child(args: list[str], url: str, env: dict[str, str] | None = None) -> Iterator[int]:
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not _up(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args} did not start")
            time.sleep(0.1)
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(60)


@contextmanager
def _proxy(upstream: str, kind: str = "--proxy") -> Iterator[Server]:
    port = _port()
    with _child(["-m", "benchmarks.api_floor", kind, upstream, str(port)],
                f"http://127.0.0.1:{port}") as pid:
        yield f"http://127.0.0.1:{port}/v1", pid


@contextmanager
def _bot(upstream: str, data_dir: Path) -> Iterator[Server]:
    port, config = _port(), data_dir / "floor.toml"
    config.write_text(CONFIG.format(url=upstream))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["BOT_API__KEYS__BENCH"] = KEY
    args = ["-m", "apps.cli.main", "--config", str(config), "--data-dir",
            str(data_dir / "served"), "serve", "api", "--port", str(port)]
    with _child(args, f"http://127.0.0.1:{port}", env) as pid:
        yield f"http://127.0.0.1:{port}/v1", pid


def _cpu(pid: int | None) -> float:
    """Seconds of CPU the process has used (user and system; Linux), else 0."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _ask(client: openai.AsyncOpenAI, n: int, stream: bool) -> float:
    started = time.perf_counter()
    messages: Any = [{"role": "user", "content": f"Talk {n}."}]
    if stream:
        chunks = await client.chat.completions.create(model="bot", messages=messages,
                                                      stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
    else:
        done = await client.chat.completions.create(model="bot", messages=messages)
        text = done.choices[0].message.content or ""
    assert text == ANSWER, text[:80]
    return time.perf_counter() - started


async def _measure(servers: list[Server]) -> tuple[Times, Times]:
    """Median wall time per path and kind; the server's mean CPU time per request."""
    clients = [openai.AsyncOpenAI(base_url=u, api_key=KEY, max_retries=0) for u, _ in servers]
    times: dict[tuple[str, bool], list[float]] = {}
    cpu: Times = {}
    try:
        for n in range(WARMUP + RUNS):
            for stream in (True, False):
                for path, client, (_, pid) in zip(PATHS, clients, servers, strict=True):
                    before = _cpu(pid)
                    seconds = await _ask(client, n, stream)
                    if n >= WARMUP:
                        times.setdefault((path, stream), []).append(seconds)
                        cpu[path, stream] = cpu.get((path, stream), 0.0) + _cpu(pid) - before
    finally:
        for client in clients:
            await client.close()
    medians = {key: statistics.median(values) for key, values in times.items()}
    return medians, {key: total / RUNS for key, total in cpu.items()}


def _table(t: Times, cpu: Times) -> str:
    rows = []
    for path in PATHS:
        cells = [f"{t[path, s] * 1000:.1f} ms ({t[path, s] / t[PATHS[1], s]:.2f}×) | "
                 + (f"{cpu[path, s] * 1000:.1f} ms" if path != PATHS[0] else "–")
                 for s in (True, False)]
        rows.append(f"| {path} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


def run() -> str:
    configure_logging("warning")
    load = os.getloadavg()[0]
    with server_process(__name__) as upstream, tempfile.TemporaryDirectory() as tmp, \
            _proxy(upstream) as proxied, _proxy(upstream, "--reading") as reading, \
            _bot(upstream, Path(tmp)) as bot:
        t, cpu = asyncio.run(_measure([(upstream, None), proxied, reading, bot]))
    return f"""## API against its floor: the model server directly, a bare proxy, `bot serve api`

The same `openai` client asks the same model server (the test suite's fake
OpenAI-compatible server in its own process, a 50-chunk answer streamed or the same answer
whole, no latency) four ways, alternating request by request: directly; through a bare
Starlette pass-through proxy (uvicorn, its own process, relaying the body up and the bytes
back: the floor of any HTTP front); through a bare *reading* proxy (the same, but it reads
the answer as the bot must: through the same `openai` client as the bot's backend it asks
upstream for what its client asked for, a stream it re-encodes chunk by chunk or a whole
answer it re-encodes whole: the floor of any front that understands what it relays); and
through `bot serve api` (its own process, tools and knowledge base off, the model server as
its `openai` profile). A whole answer the bot asks upstream for whole: the API's
`stream: false` becomes `Session.send(…, whole=True)`, every model call of the turn an
`LLMRequest` with `whole=True`, and the `openai` backend makes one non-streamed call whose
answer it yields as the same chunks (retries, error mapping, usage, the stored turns and the
events unchanged). Until it did, the bot read a 50-chunk stream and joined it for a whole
answer: 5.4 ms, 2.22× the bare proxy's 2.5 ms (load average 0.5; streamed 1.17×), reading
and re-assembling the stream costing more than one JSON body. Medians of {RUNS} requests
each after {WARMUP} warm-ups; in brackets the ratio to the bare proxy (goal: `bot serve
api` ≤ 1.2×). Load average {load:.1f} on {os.cpu_count()} cores at the start: every process
here competes for them, so wall times on a shared machine carry the wait for a free core;
*server CPU* is the CPU time the front's own process spent per request (from
`/proc/PID/stat`, in 10 ms ticks summed over the runs), which a busy machine moves far less.

| path | streamed | server CPU | whole | server CPU |
| --- | --- | --- | --- | --- |
{_table(t, cpu)}

{_split(t, cpu)}"""


def _split(t: Times, cpu: Times) -> str:
    """Where the bot's time over the bare proxy goes: reading the answer, then our own work."""
    bare, reading, bot = PATHS[1], PATHS[2], PATHS[3]

    def added(table: Times, more: str, less: str) -> str:
        return " and ".join(f"{(table[more, s] - table[less, s]) * 1000:+.1f} ms {kind}"
                            for s, kind in ((True, "streamed"), (False, "whole")))

    return f"""Of what `bot serve api` adds to the bare proxy, reading the answer (asking upstream
through the `openai` client and parsing what comes back, a stream or one body, which any
front that understands the answer must do) is {added(t, reading, bare)} (server CPU
{added(cpu, reading, bare)}). The bot's own work over the reading proxy is
{added(t, bot, reading)} (server CPU {added(cpu, bot, reading)}): the key check, the
request's validation, the conversation, two trips to the store's thread (the client's
history and the user's turn before the model is called, the answer with its usage after;
a third, for who the turn answers, is made only when `[access]` is on), the agent and its
events, the turn view and usage, and the answer's encoding. A trip to the store's thread
costs about 0.05 ms on an idle machine; on a loaded one it is two waits for a free core
(the thread's, then the event loop's), which is most of the wall time the bot adds over its
CPU time when the load average is far above the number of cores.

Where a whole answer's time goes in the bot (cProfile of its event loop over 2,000 whole
requests, load average 6–9, measured once while making the change; profiled times are
inflated alike): the HTTP client that asks upstream (the `openai` SDK over its httpx,
anyio and h11, the client the reading proxy uses too: about 1.5 ms a request) and uvicorn
(about 0.4 ms) are most of it; the bot's own Python (presenter, Session, turn runner, agent,
backend) is about 0.4 ms, with asyncio's tasks and generators, pydantic and JSON about as
much again, and the store's SQLite work (the user's turn before, with the client's history
adopted; the answer, its usage rollups and its budget after) runs on its thread while the
request waits. The same bot doing its SQLite work on the event loop instead (which we do not
ship: a locked database would stall every request) answered a whole request at 1.40× the
bare proxy where the shipped one took 1.57× (interleaved, load average 11).

Where the answer's trip goes (timestamps in the server, load average about 1.8): handing the
work to the thread and back takes about 0.15 ms; the rest, about 0.4 ms, is storing the
answer with its usage rollups, which takes 0.13 ms in a tight loop but runs cold in the
server, after the rest of the request has filled the CPU's caches (the same call after a
cache-filling JSON round trip: 0.53 ms). Two ways to shorten the trips without moving SQLite
onto the event loop were measured against the shipped bot (both servers in one run, asked
alternately, 200 or 300 requests each) and not shipped, as neither was faster:

- asking the model while the store's thread stores the question, for a new chat (the client
  shows no history, so there is none to read), the answer's events held until the question
  is stored (so that a failing store, a stop, or a conversation that has history after all
  behave as before): over nine runs (load average 1.5 to 16) it moved the whole answer's
  median by −0.04 ms (from −0.21 to +0.29 ms; about 1 %) and the streamed one's by
  +0.17 ms (from −0.11 to +0.45 ms); starting the thread only once the request upstream
  was sent did no better. No core is idle here while the model is asked (the client,
  the model server, the proxies and the bot share two), so the thread's work only competes
  with the event loop's for a core and the GIL: in cProfiles of the two, waking the thread
  took 183 µs instead of 9 µs, and the SDK's `uuid4`, which lets go of the GIL to read
  random bytes, 144 µs instead of 8 µs;
- a dedicated store thread: the loop's default executor already runs every trip on one warm
  worker (it starts only one, as trips never overlap here), and a bare trip to either took
  25 µs (idle loop, uvloop).

Every whole request here repeats the first message of the streamed request before it, so
the bot archives that conversation and starts a new one (the API's rule for a chat shown
without the history the store holds); asking a new chat each time instead measured the
same (3.82 against 3.74 ms, load average 2.1). What is left of a whole answer's gap to the
bare proxy is thus the store's own work, run cold, and the handoffs to its thread on a
machine with no free core, with our own Python on top.

The bare proxy's whole answer is cheap (one body relayed), so the bot's fixed work per
request (above) weighs more against it than against a 50-chunk stream."""


if __name__ == "__main__" and "--serve" in sys.argv:
    serve()
elif __name__ == "__main__" and ("--proxy" in sys.argv or "--reading" in sys.argv):
    import uvicorn

    reads = "--reading" in sys.argv
    at = sys.argv.index("--reading" if reads else "--proxy")
    app = (reading_app if reads else proxy_app)(sys.argv[at + 1])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[at + 2]), log_level="warning")
