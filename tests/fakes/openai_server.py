"""A real OpenAI-compatible HTTP server on 127.0.0.1 (port 0) for tests, with fault injection.

It runs aiohttp on its own event loop in a background thread, so sync tests, async tests and
subprocesses (``bot chat`` pointed at ``server.base_url``) can all talk to it.

Use it as a fixture (import it once per test module; nothing in a conftest is needed)::

    from tests.fakes.openai_server import FakeOpenAI, FakeReply, FakeToolCall
    from tests.fakes.openai_server import openai_server_fixture  # noqa: F401

    async def test_x(openai_server: FakeOpenAI) -> None:
        openai_server.reply("Hello!", FakeReply(tool_calls=[FakeToolCall("calculator",
                            {"expression": "2+2"})]))
        openai_server.fail("rate_limit", times=2, retry_after="1")
        ... point a profile at openai_server.base_url, model openai_server.model ...
        assert len(openai_server.chat_requests) == 3

or as a context manager: ``with FakeOpenAI(api_key="sk-test") as server: ...``.

Endpoints:
- ``POST /v1/chat/completions``: streaming SSE (``stream: true``; usage chunk when
  ``stream_options.include_usage``) and plain JSON.
- ``GET /v1/models``: ``server.models``.
- ``POST /v1/embeddings``: deterministic unit vectors (hashed bag of words, ``dims`` or the
  request's ``dimensions``), so texts sharing words are near each other.

Behaviour knobs (set any time, from any thread):
- ``reply(*replies)`` queues replies (a ``str`` or a :class:`FakeReply`: text, tool calls split
  across chunks, explicit ``usage=(in, out)``, ``send_usage=False``, ``finish_reason``,
  ``chunk_chars``); when the queue is empty ``respond`` (a function of the request body,
  default: ``"You said: <last user message>"``) answers.
- ``fail(mode, times=1, **params)``: the next ``times`` chat requests (``None``: all) fail in
  ``mode`` (see :data:`FaultMode`; an embeddings request takes the error-status modes too);
  faulted requests do not consume queued replies, so the
  script resumes when the fault runs out. Params: ``retry_after`` (header value),
  ``hang_s``, ``after_chars`` (text before a cut / error / malformed chunk), ``text``.
- ``latency_s`` (before headers), ``chunk_delay_s`` (between SSE chunks), ``api_key`` (when
  set, other keys get 401), ``models``, ``dims``.
- ``provider``: speak another provider's dialect (``anthropic``, ``cohere``, ``gemini``,
  ``vertex``, ``huggingface``, ``hf-endpoint``, ``tgi``): its key headers, error bodies, model
  listing and usage placement (:mod:`tests.fakes.provider_quirks`). Routes take any prefix
  (``/v1beta/openai/chat/completions``, ``/compatibility/v1/models``, ...).

Observations: ``requests`` (every :class:`RecordedRequest`: method, path, headers, body,
the fault it got), ``chat_requests``, ``closed_early`` (streams the client hung up on, and
requests it hung up on during ``latency_s``).

Settings pointing a bot at it: :mod:`tests.fakes.openai_profiles` (``openai_settings``).
By hand: ``python -m tests.fakes.openai_server --port 8000 --fail unavailable --times 2``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from tests.fakes.openai_script import (
    STATUS_FAULTS,
    FakeReply,
    FakeToolCall,
    Fault,
    FaultMode,
    completion_body,
    embedding,
    error_body,
    fault_reply,
    stream_events,
)
from tests.fakes.provider_quirks import QUIRKS, Quirks, error_json, listing_json, presented_key

__all__ = ["FakeOpenAI", "FakeReply", "FakeToolCall", "Fault", "FaultMode",
           "RecordedRequest", "openai_server_fixture"]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any = None
    fault: str | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages") or [])


def echo_reply(body: dict[str, Any]) -> FakeReply:
    users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    return FakeReply(text=f"You said: {users[-1].get('content')}" if users else "Hello!")


@dataclass
class _Knobs:
    latency_s: float = 0.0
    chunk_delay_s: float = 0.0
    api_key: str | None = None
    models: list[str] = field(default_factory=lambda: ["fake-model"])
    dims: int = 64
    bind_port: int = 0  # 0: any free port (tests); a fixed one for manual demos
    provider: str = "openai"  # whose dialect it speaks: tests/fakes/provider_quirks.py


class FakeOpenAI(_Knobs):
    """The server; see the module docstring for the whole API."""

    def __init__(self, **knobs: Any) -> None:
        super().__init__(**knobs)
        self.requests: list[RecordedRequest] = []
        self.closed_early = 0
        self.respond: Callable[[dict[str, Any]], FakeReply | str] = echo_reply
        self._queue: deque[FakeReply] = deque()
        self._fault: Fault | None = None
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self.port = 0

    # -- scripting ---------------------------------------------------------------------
    @property
    def quirks(self) -> Quirks:
        return QUIRKS[self.provider]

    @property
    def model(self) -> str:
        return self.models[0]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def reply(self, *replies: FakeReply | str) -> FakeOpenAI:
        with self._lock:
            self._queue.extend(FakeReply(text=r) if isinstance(r, str) else r for r in replies)
        return self

    def fail(self, mode: FaultMode, times: int | None = 1, **params: Any) -> FakeOpenAI:
        with self._lock:
            self._fault = Fault(mode=mode, times=times, **params)
        return self

    def _take_fault(self) -> Fault | None:
        with self._lock:
            fault = self._fault
            if fault is None:
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._fault = None
            return fault

    def _next_reply(self, body: dict[str, Any]) -> FakeReply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        made = self.respond(body)
        return FakeReply(text=made) if isinstance(made, str) else made

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True,
                                        name="fake-openai")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake OpenAI server did not start")
        return self

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start_site())
        ready.set()
        self._loop.run_forever()

    async def _start_site(self) -> None:
        app = web.Application()
        # any prefix: providers put the API under /v1, /v1beta/openai, /compatibility/v1, ...
        app.router.add_post("/{prefix:.*}/chat/completions", self._chat)
        app.router.add_get("/{prefix:.*}/models", self._models)
        app.router.add_post("/{prefix:.*}/embeddings", self._embeddings)
        self._stopping = asyncio.Event()
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.bind_port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._thread = None

    async def _shutdown(self) -> None:
        assert self._stopping is not None and self._runner is not None
        self._stopping.set()
        await self._runner.cleanup()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- handlers ------------------------------------------------------------------------
    async def _record(self, request: web.Request) -> RecordedRequest:
        body: Any = None
        if request.can_read_body:
            text = await request.text()
            try:
                body = json.loads(text)
            except json.JSONDecodeError:
                body = text
        record = RecordedRequest(request.method, request.path, dict(request.headers), body)
        with self._lock:
            self.requests.append(record)
        return record

    def _error(self, status: int, message: str, **headers: str) -> web.Response:
        """An error in the dialect of ``provider``."""
        body = error_json(self.quirks, status, message, error_body(status, message))
        return web.json_response(body, status=status, headers=headers)

    def _unauthorized(self, request: web.Request) -> web.Response | None:
        if self.api_key is None or presented_key(self.quirks, request.headers) == self.api_key:
            return None
        return self._error(*self.quirks.bad_key)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        record = await self._record(request)
        if not isinstance(record.body, dict):
            return self._error(400, "body must be a JSON object")
        if (denied := self._unauthorized(request)) is not None:
            return denied
        if self.latency_s and await self._left_while_waiting(request):
            return web.Response(status=499)
        fault = self._take_fault()
        record.fault = fault.mode if fault else None
        if fault is not None and (early := await self._early_fault(request, fault)) is not None:
            return early
        reply = fault_reply(fault) if fault is not None else self._next_reply(record.body)
        if not record.body.get("stream"):
            return web.json_response(completion_body(reply, record.body))
        return await self._stream(request, reply, record.body, fault)

    async def _left_while_waiting(self, request: web.Request) -> bool:
        """Wait ``latency_s``; True (counted in ``closed_early``) when the client hung up
        meanwhile, as a client does that stops waiting for a whole answer."""
        await asyncio.sleep(self.latency_s)
        if request.transport is not None and not request.transport.is_closing():
            return False
        with self._lock:
            self.closed_early += 1
        return True

    async def _early_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        """Faults that strike before any header: an error status, a hang, a reset."""
        if fault.mode in STATUS_FAULTS:
            status = STATUS_FAULTS[fault.mode]
            headers = {"Retry-After": fault.retry_after} if status == 429 and fault.retry_after \
                else {}
            return self._error(status, f"fake {fault.mode}", **headers)
        if fault.mode == "hang":
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.hang_s)
            return self._error(504, "fake hang ended")
        if fault.mode == "reset":
            _reset(request)
            return web.Response(status=500)
        return None

    async def _stream(
        self, request: web.Request, reply: FakeReply, body: dict[str, Any], fault: Fault | None
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-cache"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            if fault is not None and fault.mode in ("cut", "sse_error", "malformed"):
                await self._broken_stream(request, response, body, fault)
                return response
            for event in stream_events(reply, body, self.quirks.usage_on_finish):
                await self._send(response, f"data: {json.dumps(event)}\n\n")
            await response.write(b"data: [DONE]\n\n")
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            with self._lock:
                self.closed_early += 1
        return response

    async def _send(self, response: web.StreamResponse, data: str) -> None:
        if self.chunk_delay_s:
            await asyncio.sleep(self.chunk_delay_s)
        await response.write(data.encode())

    async def _broken_stream(
        self, request: web.Request, response: web.StreamResponse, body: dict[str, Any],
        fault: Fault,
    ) -> None:
        partial = FakeReply(text=fault.text[: fault.after_chars], send_usage=False)
        events = stream_events(partial, body)[:-1]  # everything but the finish chunk
        for event in events:
            await self._send(response, f"data: {json.dumps(event)}\n\n")
        if fault.mode == "cut":
            _reset(request)
            return
        if fault.mode == "sse_error":
            error = error_body(500, "The server had an error while processing your request.")
            await self._send(response, f"data: {json.dumps(error)}\n\n")
        else:
            await self._send(response, 'data: {"choices": [{"delta": {"content": "oo\n\n')
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()

    async def _models(self, request: web.Request) -> web.Response:
        await self._record(request)
        if (denied := self._unauthorized(request)) is not None:
            return denied
        if self.quirks.listing == "none":
            return self._error(404, "Not Found")
        if (needs := self.quirks.listing_needs) and needs not in request.headers:
            return self._error(400, f"{needs}: header is required")
        return web.json_response(listing_json(self.quirks, self.models))

    async def _embeddings(self, request: web.Request) -> web.Response:
        record = await self._record(request)
        if (denied := self._unauthorized(request)) is not None:
            return denied
        fault = self._take_fault()
        record.fault = fault.mode if fault else None
        if fault is not None and fault.mode in STATUS_FAULTS:
            status = STATUS_FAULTS[fault.mode]
            return self._error(status, f"fake {fault.mode}")
        body = record.body if isinstance(record.body, dict) else {}
        inputs = body.get("input")
        texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
        dims = int(body.get("dimensions") or self.dims)
        data = [{"object": "embedding", "index": i, "embedding": embedding(str(t), dims)}
                for i, t in enumerate(texts)]
        tokens = sum(len(str(t).split()) for t in texts)
        return web.json_response({"object": "list", "data": data, "model": body.get("model"),
                                  "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def _reset(request: web.Request) -> None:
    """Drop the connection with a TCP RST (SO_LINGER 0), as a crashing proxy would."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.fakes.openai_server [--port N] [--fail MODE] [--times N]``: a demo."""
    import argparse

    parser = argparse.ArgumentParser(description="a fault-injecting OpenAI-compatible server")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fail", choices=list(FaultMode.__args__), default=None)  # type: ignore[attr-defined]
    parser.add_argument("--times", type=int, default=None, help="default: every request")
    args = parser.parse_args(argv)
    with FakeOpenAI(bind_port=args.port) as server:
        if args.fail:
            server.fail(args.fail, times=args.times)
        print(f"serving {server.base_url} (model {server.model}); Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


@pytest.fixture(name="openai_server")
def openai_server_fixture() -> Iterator[FakeOpenAI]:
    """A started :class:`FakeOpenAI`, stopped after the test."""
    with FakeOpenAI() as server:
        yield server


if __name__ == "__main__":
    main()
