"""HTTP for the web source: one request at a time at a polite rate, robots.txt honoured,
``429``/``503`` answered by waiting as long as ``Retry-After`` says, bodies capped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import structlog

from sources.model import Malformed, RateLimited, Unavailable
from sources.retry_after import MAX_WAIT_S, parse_retry_after, polite_wait

log = structlog.get_logger("sources.web")

SLOW_DOWN = (429, 503)
TRIES = 4


@dataclass
class Page:
    """One answer: ``url`` is where redirects ended; ``body`` is empty when over the cap
    (``size`` then says how large it claimed to be)."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    size: int


class PoliteClient:
    """A blocking httpx client that never runs faster than ``rate_per_s`` requests."""

    def __init__(self, user_agent: str, rate_per_s: float, timeout_s: float, max_bytes: int,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = httpx.Client(timeout=timeout_s, follow_redirects=True, max_redirects=10,
                                   headers={"User-Agent": user_agent})
        self.user_agent = user_agent
        self.interval = 1.0 / rate_per_s
        self.max_bytes = max_bytes
        self.sleep = sleep
        self._next_at = 0.0
        self._lock = threading.Lock()
        self._robots: dict[str, RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def _wait_turn(self) -> None:
        with self._lock:
            delay = self._next_at - time.monotonic()
            if delay > 0:
                self.sleep(delay)
            self._next_at = time.monotonic() + self.interval

    def get(self, url: str, headers: dict[str, str] | None = None) -> Page:
        """GET ``url``; waits out 429/503 (Retry-After) a few times, then RateLimited."""
        for attempt in range(1, TRIES + 1):
            page = self._get_once(url, headers or {})
            if page.status not in SLOW_DOWN:
                return page
            delay = polite_wait(parse_retry_after(page.headers.get("retry-after")))
            log.info("web_slow_down", url=url, status=page.status, retry_after_s=delay,
                     attempt=attempt)
            if attempt == TRIES:
                raise RateLimited(f"{url} answered {page.status} {TRIES} times", delay)
            with self._lock:
                self._next_at = max(self._next_at, time.monotonic() + delay)
        raise AssertionError("unreachable")

    def _get_once(self, url: str, headers: dict[str, str]) -> Page:
        self._wait_turn()
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                return self._read(response)
        except httpx.TooManyRedirects as exc:
            raise Malformed(f"{url}: too many redirects (a redirect loop?)") from exc
        except httpx.TimeoutException as exc:
            raise Unavailable(f"{url}: timed out") from exc
        except httpx.HTTPError as exc:
            raise Unavailable(f"{url}: {type(exc).__name__}: {exc}") from exc

    def _read(self, response: httpx.Response) -> Page:
        size = int(response.headers.get("content-length") or 0)
        body = b""
        if size <= self.max_bytes:
            chunks: list[bytes] = []
            read = 0
            for chunk in response.iter_bytes():
                read += len(chunk)
                if read > self.max_bytes:  # a lying Content-Length: stop reading
                    size, chunks = read, []
                    break
                chunks.append(chunk)
            body = b"".join(chunks)
        return Page(str(response.url), response.status_code, response.headers, body,
                    max(size, len(body)))

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says for our user agent (no robots.txt: allowed)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
            delay = self.crawl_delay(url)
            if delay:  # the site asked for a slower pace than ours
                self.interval = max(self.interval, min(delay, MAX_WAIT_S))
        robots = self._robots[origin]
        return robots is None or robots.can_fetch(self.user_agent, url)

    def _load_robots(self, origin: str) -> RobotFileParser | None:
        try:
            page = self.get(f"{origin}/robots.txt")
        except (Unavailable, Malformed, RateLimited):
            return None
        if page.status >= 400:
            return None
        robots: Any = RobotFileParser()
        robots.parse(page.body.decode("utf-8", "replace").splitlines())
        return robots  # type: ignore[no-any-return]

    def crawl_delay(self, url: str) -> float | None:
        parts = urlsplit(url)
        robots = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        delay = robots.crawl_delay(self.user_agent) if robots is not None else None
        return float(delay) if delay is not None else None
