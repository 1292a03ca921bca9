"""Model doubles for the cluster tests, named in their settings (``kind = "function"``):
every replica builds its own, and they answer from what the request carries, so a reply
shows what history the replica that wrote it could see."""

from __future__ import annotations

from backends.scripted import Reply, ScriptedToolCall
from contracts.llm import LLMRequest

LONG_ANSWER = "This answer streams for a long while, token by token. " * 12


def remember(request: LLMRequest) -> Reply:
    """``Heard 3: first | second | third``: every user message the replica was given."""
    asked = [m.content for m in request.messages if m.role == "user"]
    return Reply(text=f"Heard {len(asked)}: " + " | ".join(asked), chunk_chars=8, delay_s=0.02)


def slow_stream(_: LLMRequest) -> Reply:
    """A long answer streamed over about 20 s: time to kill the replica serving it."""
    return Reply(text=LONG_ANSWER, chunk_chars=4, delay_s=0.12)


def steady(request: LLMRequest) -> Reply:
    """The load test's backend: 0.3 s, then the whole answer at once."""
    asked = [m.content for m in request.messages if m.role == "user"]
    return Reply(text=f"ok: {asked[-1] if asked else ''}", chunk_chars=1 << 20, delay_s=0.3)


def story_or_remember(request: LLMRequest) -> Reply:
    """A long streamed answer when asked for a story, else :func:`remember`'s reply."""
    asked = [m.content for m in request.messages if m.role == "user"]
    return slow_stream(request) if asked and "story" in asked[-1] else remember(request)


def instant(request: LLMRequest) -> Reply:
    """No model time at all: what is left of a request's latency is the serving path's."""
    asked = [m.content for m in request.messages if m.role == "user"]
    return Reply(text=f"ok: {asked[-1] if asked else ''}", chunk_chars=1 << 20)


def search_then_answer(request: LLMRequest) -> Reply:
    """Calls search_knowledge with the question, then answers citing what it found."""
    last = max(i for i, m in enumerate(request.messages) if m.role == "user")
    if any(m.role == "tool" for m in request.messages[last:]):
        return Reply(text="The documents answer it [1].")
    query = request.messages[last].content
    return Reply(tool_calls=[ScriptedToolCall(name="search_knowledge", arguments={"query": query})])
