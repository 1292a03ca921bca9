"""Fuzzing ``bot serve mcp``'s tools with Hypothesis: arbitrary JSON as the arguments of
``ask`` (and of tools that do not exist), sent as raw JSON-RPC over streamable HTTP.

Whatever arrives: no 5xx, no traceback to the caller, and nothing stored past the limits
(``input.max_chars``, control characters stripped). The number of examples is small by
default (CI); ``MCP_FUZZ_EXAMPLES=2000`` runs a longer search.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backends.scripted import FunctionLLM, echo
from config import Settings
from config.sections import InputSettings
from tests.integration.mcp_helpers import ALICE, serving_mcp, with_serve

pytest.importorskip("mcp")
EXAMPLES = int(os.environ.get("MCP_FUZZ_EXAMPLES", "40"))
MAX_CHARS = 300
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x1b]")
HEADERS = {"Authorization": f"Bearer {ALICE}", "Accept": "application/json, text/event-stream"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                  max_size=3),
    max_leaves=8)
questions = st.text(max_size=MAX_CHARS * 2) | st.text(
    alphabet=st.characters(max_codepoint=0x9f), max_size=40)
arguments = st.fixed_dictionaries(
    {}, optional={"question": questions | json_values, "conversation": st.text(max_size=70)
                  | json_values, "top_k": json_values}
) | st.dictionaries(st.text(max_size=12), json_values, max_size=4)


class RawClient:
    """JSON-RPC over one MCP session, as any client (or attacker) could send it."""

    def __init__(self, url: str) -> None:
        self.url, self.http, self.n = url, httpx.Client(timeout=120, headers=HEADERS), 0
        hello = self.post({"method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "fuzz", "version": "1"}}})
        self.http.headers["mcp-session-id"] = hello.headers["mcp-session-id"]
        self.http.headers["mcp-protocol-version"] = "2025-06-18"
        self.http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"})

    def post(self, message: dict[str, Any]) -> httpx.Response:
        self.n += 1
        return self.http.post(self.url, json={"jsonrpc": "2.0", "id": self.n, **message})


def reply_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC reply in a JSON or server-sent-events response."""
    if response.headers["content-type"].startswith("application/json"):
        return dict(response.json())
    lines = response.text.replace("\r\n", "\n").split("\n")  # SSE splits on these only
    data = [line[5:] for line in lines if line.startswith("data:")]
    return dict(json.loads(data[-1]))


@pytest.fixture
def raw(make_bot: Callable[..., Any], settings: Settings) -> Iterator[tuple[RawClient, Any]]:
    limited = with_serve(settings, tokens={"alice": ALICE}).model_copy(
        update={"input": InputSettings(max_chars=MAX_CHARS)})
    bot = make_bot(settings_=limited, primary=FunctionLLM(echo))
    with serving_mcp(bot) as url:
        yield RawClient(url), bot


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tool=st.sampled_from(["ask", "ask", "ask", "search_knowledge", "nope"]), args=arguments)
def test_any_arguments_get_an_answer_or_a_clear_error(
    raw: tuple[RawClient, Any], tool: str, args: dict[str, Any]
) -> None:
    client, bot = raw
    response = client.post({"method": "tools/call", "params": {"name": tool,
                                                                "arguments": args}})
    assert response.status_code < 500
    reply = reply_of(response)
    assert ("result" in reply) != ("error" in reply)
    assert "Traceback" not in json.dumps(reply) and 'File "' not in json.dumps(reply)
    stored = bot.store.keys()
    for key in stored:
        for turn in bot.store.history(key):
            if turn.role == "user":
                assert len(turn.text) <= MAX_CHARS and not CONTROL.search(turn.text)


@pytest.fixture
def raw_kb(make_bot: Callable[..., Any], tmp_path: Any) -> Iterator[RawClient]:
    """The same, with a knowledge base: documents (resources) and prompts are offered."""
    pytest.importorskip("chromadb")
    from knowledge.ingest import ingest
    from tests.kb.corpus import write_corpus
    from tests.kb.helpers import kb_settings, shared_minilm

    kb = kb_settings(tmp_path / "data")
    ingest(kb, [write_corpus(tmp_path / "corpus")], embedder=shared_minilm(), progress=False)
    served = with_serve(kb, tokens={"alice": ALICE}).model_copy(update={"agent": "tools"})
    with serving_mcp(make_bot(settings_=served, primary=FunctionLLM(echo))) as url:
        yield RawClient(url)


uris = st.text(max_size=60) | st.builds(lambda tail: "bot://documents/" + tail,
                                        st.text(max_size=40))
requests = st.one_of(
    st.builds(lambda uri: {"method": "resources/read", "params": {"uri": uri}}, uris),
    st.builds(lambda c: {"method": "resources/list", "params": {"cursor": c}},
              st.text(max_size=12) | st.integers().map(str) | json_values),
    st.builds(lambda name, args: {"method": "prompts/get", "params": {"name": name,
                                                                        "arguments": args}},
              st.sampled_from(["ask_with_sources", "summarise_document", "nope"]),
              st.dictionaries(st.sampled_from(["question", "uri", "length", "x"]),
                              st.text(max_size=80), max_size=3)),
    st.builds(lambda uri: {"method": "resources/subscribe", "params": {"uri": uri}}, uris))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(message=requests)
def test_any_document_or_prompt_request_gets_an_answer_or_a_clear_error(
    raw_kb: RawClient, message: dict[str, Any]
) -> None:
    response = raw_kb.post(message)
    assert response.status_code < 500
    reply = reply_of(response)
    assert ("result" in reply) != ("error" in reply)
    assert "Traceback" not in json.dumps(reply) and 'File "' not in json.dumps(reply)
