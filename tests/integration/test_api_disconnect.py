"""A client that leaves mid-answer: the turn is stored interrupted, the model's call closed.

Real server, real upstream: the bot's model is the fake OpenAI server streaming slowly (or,
for a whole answer, which the bot asks upstream for in one piece, slow to answer), and the
fake records a call its client hung up on (``closed_early``).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from bot.app import Bot
from contracts.store import TurnRecord
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, api_settings, serving

LONG = FakeReply(text="word " * 400, chunk_chars=5)  # 400 chunks, 20 ms apart: ~8 s
ASK = {"model": "bot", "messages": [{"role": "user", "content": "Talk."}]}


@pytest.fixture
def api(openai_server: FakeOpenAI, data_dir: Path) -> Iterator[tuple[str, Bot]]:
    openai_server.chunk_delay_s = 0.02
    openai_server.reply(LONG)
    bot = Bot.from_settings(api_settings(openai_settings(data_dir, openai_server)))
    with serving(bot) as url:
        yield url, bot


def eventually(check: Callable[[], bool], within_s: float = 15.0) -> None:
    """Wait for ``check`` (a wait, not a timing assertion)."""
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.02)


def answer(bot: Bot) -> TurnRecord | None:
    keys = bot.store.keys()
    turns = [t for k in keys for t in bot.store.history(k) if t.role == "assistant"]
    return turns[0] if turns else None


def test_leaving_a_stream_stores_the_turn_interrupted_and_closes_the_upstream(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    seen = ""
    with httpx.stream("POST", f"{url}/chat/completions", json={**ASK, "stream": True},
                      headers={"Authorization": f"Bearer {KEY}"}, timeout=30) as response:
        for line in response.iter_lines():
            if line.startswith("data: {"):
                seen += json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
            if seen.count("word") >= 3:
                break  # leaving the block closes the connection mid-stream
    eventually(lambda: answer(bot) is not None)
    stored = answer(bot)
    assert stored is not None and stored.interrupted
    assert stored.text.startswith("word word word") and stored.text.count("word") < 400
    eventually(lambda: openai_server.closed_early == 1)


def test_leaving_while_waiting_for_a_whole_answer_does_the_same(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    openai_server.latency_s = 2.0  # asked for a whole answer, the model is slow to give it
    target = urlparse(url)
    body = json.dumps(ASK).encode()
    request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: {target.netloc}\r\n"
               f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection((target.hostname, target.port)) as sock:
        sock.sendall(request)
        eventually(lambda: len(openai_server.chat_requests) == 1)
        time.sleep(0.2)  # the model is at work on it
    eventually(lambda: answer(bot) is not None)
    stored = answer(bot)
    assert stored is not None and stored.interrupted and stored.text == ""
    assert openai_server.chat_requests[0].body["stream"] is False
    eventually(lambda: openai_server.closed_early == 1)
