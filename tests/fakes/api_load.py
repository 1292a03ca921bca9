"""Many API clients at once, each its own conversation: what the load test and the replica
benchmark send, and what they count.

Each client asks question 1, 2, 3 … of its conversation (``X-Bot-Conversation``), one at a
time, sending only the new message, until the time is up. Every answer is checked: status
200 and the text the ``steady`` backend (``tests/fakes/cluster_replies.py``) gives for that
question. The store can then be counted against what the clients were told.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

import aiohttp


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answered: dict[str, int] = field(default_factory=dict)  # conversation -> questions answered

    @property
    def requests_per_s(self) -> float:
        return len(self.latencies_s) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_s)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def median_s(self) -> float:
        return statistics.median(self.latencies_s) if self.latencies_s else 0.0


def question(conversation: str, n: int) -> str:
    return f"{conversation} question {n}"


async def one_client(http: aiohttp.ClientSession, url: str, key: str, conversation: str,
                     until: float, result: LoadResult) -> None:
    n = 0
    headers = {"Authorization": f"Bearer {key}", "X-Bot-Conversation": conversation}
    while time.monotonic() < until:
        asked = question(conversation, n + 1)
        body = {"model": "bot", "messages": [{"role": "user", "content": asked}]}
        started = time.monotonic()
        try:
            async with http.post(f"{url}/v1/chat/completions", json=body,
                                 headers=headers) as response:
                reply = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            result.errors.append(f"{conversation} #{n + 1}: {type(exc).__name__}: {exc}")
            return  # the turn may or may not be stored: this conversation's count is unknown
        text = (reply.get("choices") or [{}])[0].get("message", {}).get("content", "")
        if status != 200 or not str(text).startswith(f"ok: {asked}"):
            result.errors.append(f"{conversation} #{n + 1}: HTTP {status}: {str(reply)[:300]}")
            return
        result.latencies_s.append(time.monotonic() - started)
        n += 1
        result.answered[conversation] = n


async def run_load(url: str, key: str, clients: int, duration_s: float,
                   prefix: str = "load") -> LoadResult:
    """``clients`` conversations asking for ``duration_s`` seconds; waits for the last answers."""
    result = LoadResult()
    timeout = aiohttp.ClientTimeout(total=300)
    connector = aiohttp.TCPConnector(limit=clients + 8)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        started = time.monotonic()
        until = started + duration_s
        await asyncio.gather(*(one_client(http, url, key, f"{prefix}-{i}", until, result)
                               for i in range(clients)))
        result.seconds = time.monotonic() - started
    return result
