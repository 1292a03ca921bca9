"""Serve a Starlette app on 127.0.0.1, port 0, in a background thread, with faults on demand.

The hosted-service fakes (GitHub, Confluence, Notion) are Starlette apps; connectors are
blocking code run from worker threads, so the fake runs its own event loop in a thread.
:class:`Faults` lets a test make chosen requests answer an error (with headers, e.g.
``Retry-After``) or hang until the test ends, to exercise timeouts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.fakes.asgi_loopback import base_url, loopback_socket, serving_asgi


@dataclass
class Fault:
    pattern: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    times: int
    hang: bool = False
    after: int = 0  # let this many matching requests through first


@dataclass
class Faults:
    """Errors and hangs to answer instead of the real thing, matched on ``METHOD path``."""

    planned: list[Fault] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    requests: list[str] = field(default_factory=list)

    def fail(self, pattern: str, status: int, body: Any = None,
             headers: dict[str, str] | None = None, times: int = 1, after: int = 0) -> None:
        """Answer ``times`` requests matching ``pattern`` with ``status``, once ``after``
        matching ones have passed (``after=1``: the second page of a listing fails)."""
        self.planned.append(Fault(re.compile(pattern), status, body, headers or {}, times,
                                  after=after))

    def hang(self, pattern: str, times: int = 1) -> None:
        """Keep the next matching requests open until the fake stops (a timeout for the client)."""
        self.planned.append(Fault(re.compile(pattern), 0, None, {}, times, hang=True))

    def take(self, line: str) -> Fault | None:
        self.requests.append(line)
        for fault in self.planned:
            if fault.times > 0 and fault.pattern.search(line):
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                return fault
        return None


def with_faults(app: ASGIApp, faults: Faults) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Wrap ``app`` so that planned faults answer first."""
    import anyio

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        request = Request(scope)
        line = f"{request.method} {request.url.path}?{request.url.query}"
        fault = faults.take(line)
        if fault is None:
            return await app(scope, receive, send)
        if fault.hang:
            while not faults.released.is_set():
                await anyio.sleep(0.05)
            return await Response(status_code=504)(scope, receive, send)
        answer = (JSONResponse(fault.body, fault.status, fault.headers)
                  if not isinstance(fault.body, str | None)
                  else Response(fault.body or "", fault.status, fault.headers))
        return await answer(scope, receive, send)

    return wrapped


class ThreadServer:
    """``with ThreadServer(app) as server: server.url`` — stops and joins on exit. Served by
    the one loopback helper (:func:`tests.fakes.asgi_loopback.serving_asgi`); the URL is known
    before the server starts."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.faults = faults
        self._sock = loopback_socket()
        self.port = self._sock.getsockname()[1]
        self.url = base_url(self._sock)
        self._app = with_faults(app, faults)
        self._stack = ExitStack()

    def __enter__(self) -> ThreadServer:
        self._stack.enter_context(serving_asgi(self._app, self._sock))
        return self

    def __exit__(self, *exc: object) -> None:
        self.faults.released.set()  # hung requests end, so the server can stop
        self._stack.close()
        self._sock.close()
