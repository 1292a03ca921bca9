"""Ask a Gradio endpoint over its HTTP API and read the answer's server-sent events as they
arrive: a round trip timed without ``gradio_client``'s own polling.

``gradio_client`` hands each event from its reading thread to the caller through a queue it
polls every 50 ms (``stream_sse_v1plus``), which added about 65 ms to every turn it timed
here (benchmarks/gradio_latency.py reports both). A browser reads the same events as they
come. This client posts to
``/gradio_api/call/<api>`` and reads ``/gradio_api/call/<api>/<event_id>`` until the
``complete`` event, on one keep-alive connection; :func:`crowd` asks as many users at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx


class GradioCallError(RuntimeError):
    """The endpoint answered with an ``error`` event, or the stream ended without one."""


def ask(http: httpx.Client, url: str, api: str, data: list[Any]) -> list[Any]:
    """The ``complete`` event's data for one call of ``api`` with ``data``."""
    call = f"{url.rstrip('/')}/gradio_api/call/{api}"
    posted = http.post(call, json={"data": data})
    posted.raise_for_status()
    events = f"{call}/{posted.json()['event_id']}"
    event = ""
    with http.stream("GET", events) as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "complete":
                return list(json.loads(line.removeprefix("data: ")))
            elif line.startswith("data: ") and event == "error":
                raise GradioCallError(f"{api}: {line.removeprefix('data: ')}")
    raise GradioCallError(f"{api}: the event stream ended before the answer was complete")


def crowd(url: str, api: str, data: list[list[Any]], between: Callable[[], None]) -> float:
    """Seconds until every one of ``len(data)`` users, each a thread on its own keep-alive
    connection (opened, and the page read, beforehand), has the answer to its ``data``;
    ``between`` runs just before they ask and just after the last answer (to read a CPU
    clock)."""
    connections = [httpx.Client(timeout=300.0) for _ in data]
    try:
        with ThreadPoolExecutor(len(data)) as pool:
            list(pool.map(lambda http: http.get(url), connections))
            between()
            started = time.perf_counter()
            list(pool.map(lambda http, asked: ask(http, url, api, asked), connections, data))
            took = time.perf_counter() - started
            between()
            return took
    finally:
        for http in connections:
            http.close()
