"""A launched Gradio app over a scripted backend, and helpers to read what a client sees.

The backend answers by the question, so one app serves many tests:
``error ...`` fails upstream, ``handbook ...`` calls a tool that cites a source,
``slow N ...`` streams N words slowly, ``wait S ...`` answers after S seconds, ``book ...``
calls a tool that needs approval and repeats what it returned, and anything else is echoed
back as ``You said: <question>``.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from backends.scripted import FunctionLLM, Reply, ScriptedToolCall
from bot.app import Bot
from config import Settings, load_settings
from contracts.llm import LLMRequest
from contracts.llm_errors import LLMServerError
from tests.conformance.conversation import BookRoom, HandbookLookup

pytest.importorskip("gradio")
pytest.importorskip("gradio_client")

from gradio_client import Client

from presenters.gradio.app import launch
from presenters.gradio.render import text_of


def scripted_answer(request: LLMRequest) -> Reply:
    """The scripted backend: what to answer depends on the last question."""
    question = [m.content for m in request.messages if m.role == "user"][-1]
    used_tool = request.messages[-1].role == "tool"
    if question.startswith("error"):
        return Reply(error=LLMServerError("upstream 500 with a secret body"))
    if question.startswith("handbook") and not used_tool:
        return Reply(tool_calls=[ScriptedToolCall(name="handbook", arguments={"query": "slack"})])
    if question.startswith("handbook"):
        return Reply(text="Create the Slack app from the manifest [1].", chunk_chars=6)
    if question.startswith("book") and not used_tool:
        return Reply(tool_calls=[ScriptedToolCall(name="book_room", arguments={"room": 4})])
    if question.startswith("book"):
        return Reply(text=f"Tool said: {request.messages[-1].content}")
    if m := re.match(r"slow (\d+)", question):
        words = " ".join(f"w{i}" for i in range(int(m.group(1))))
        return Reply(text=words, chunk_chars=3, delay_s=0.05)
    if m := re.match(r"wait ([\d.]+)", question):
        return Reply(text=f"You said: {question}", chunk_chars=1000, delay_s=float(m.group(1)))
    return Reply(text=f"You said: {question}", chunk_chars=4, delay_s=0.01)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gradio_settings(data_dir: Path, **gradio: Any) -> Settings:
    with pytest.MonkeyPatch.context() as mp:  # module fixtures run outside clean_environment
        for name in [n for n in os.environ if n.startswith("BOT_")]:
            mp.delenv(name)
        mp.chdir(data_dir)
        return load_settings(data_dir=data_dir, tools=[], agent="tools",
                             gradio={"stream_interval_s": 0, **gradio})


def scripted_bot(settings: Settings, answer: Callable[[LLMRequest], Reply] = scripted_answer
                 ) -> Bot:
    llm = FunctionLLM(answer, profile="scripted")
    tools: dict[str, Any] = {"handbook": HandbookLookup(), "book_room": BookRoom()}
    return Bot.from_settings(settings, llms={"primary": llm}, tools=tools)


@contextmanager
def launched(bot: Bot) -> Iterator[Any]:
    """Launch the page for ``bot`` on a free loopback port; yields the running Blocks."""
    demo = launch(bot, host="127.0.0.1", port=free_port())
    try:
        yield demo
    finally:
        demo.close()


@contextmanager
def running(bot: Bot) -> Iterator[str]:
    """Launch the page for ``bot`` on a free loopback port; yields its URL."""
    with launched(bot) as demo:
        yield str(demo.local_url)


def client(url: str, **kwargs: Any) -> Client:
    """A ``gradio_client`` with patient timeouts: a loaded 2-core machine is slow, not broken."""
    return Client(url, verbose=False, download_files=False,
                  httpx_kwargs={"timeout": httpx.Timeout(60.0)}, **kwargs)


def chat(c: Client, question: str, sid: str | None = None) -> tuple[list[dict[str, Any]], str]:
    """Ask through the ``/chat`` endpoint; returns the final chat and the session id."""
    _, messages, sid_out = c.predict(question, [], sid, api_name="/chat")
    return messages, sid_out


def stream(c: Client, question: str, sid: str | None = None) -> list[list[dict[str, Any]]]:
    """Every chat update the client received while the answer streamed."""
    job = c.submit(question, [], sid, api_name="/chat")
    updates = [out[1] for out in job]
    return updates or [job.result()[1]]


def chat_deciding(c: Client, question: str, sid: str | None = None, allowed: bool = True
                  ) -> tuple[list[dict[str, Any]], str]:
    """Ask through ``/chat``; answer each approval it waits for through ``/approve``."""
    job = c.submit(question, [], sid, api_name="/chat")
    answered: set[str] = set()
    for _, messages, sid_out in job:
        for request_id in waiting_approvals(messages) - answered:
            answered.add(request_id)
            assert c.predict(request_id, allowed, sid_out, api_name="/approve") == "Answered."
    _, messages, sid_out = job.result()
    return messages, sid_out


def waiting_approvals(messages: list[dict[str, Any]]) -> set[str]:
    """Request ids of the Approve options a chat shows."""
    return {o["value"].split(":", 1)[1] for m in messages for o in m.get("options") or []
            if o["value"].startswith("approve:")}


def answers(messages: list[dict[str, Any]]) -> list[str]:
    """The plain answer texts of a chat (no steps, sources or errors)."""
    return [text_of(m) for m in messages
            if m["role"] == "assistant" and not m.get("metadata")]


def titled(messages: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [m for m in messages if (m.get("metadata") or {}).get("title", "").startswith(prefix)]


def wait_for(check: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    """Poll ``check`` until it returns something truthy (a deadline, not a timing assertion)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    return check()
