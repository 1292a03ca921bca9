"""What the span of a turn says: where it ran, and what the user saw of it.

The turn id and the error id are the ones the user sees ("… (error id: 3f2a9c1e)"), so a
trace can be found from a user's report. The session key itself stays out (a Gradio key
is what gives access to a conversation): only its presenter and a short hash of it.
The user's text and the answer go in only with ``tracing.include_text``.
"""

from __future__ import annotations

import hashlib

from contracts.events import Done, Error, Event, Usage
from contracts.secrets import redact
from contracts.tracing import AttrValue, Span

TEXT_LIMIT = 4000


def turn_attributes(key: str) -> dict[str, AttrValue]:
    return {"bot.presenter": key.split(":", 1)[0],
            "bot.session.hash": hashlib.sha256(key.encode()).hexdigest()[:16]}


def note_event(span: Span, event: Event, question: str, include_text: bool) -> None:
    """Record on the turn's span what an event tells about the turn."""
    if isinstance(event, Error):
        span.set("bot.error_id", event.error_id)
        span.set("bot.error.retryable", event.retryable)
        span.fail(f"turn failed (error id {event.error_id})")
    elif isinstance(event, Usage):
        span.set("gen_ai.usage.input_tokens", event.input_tokens)
        span.set("gen_ai.usage.output_tokens", event.output_tokens)
        span.set("bot.cost_usd", event.cost_usd)
        span.set("bot.ttft_s", event.ttft_s)
        span.set("gen_ai.response.model", event.model or None)
    elif isinstance(event, Done):
        span.set("bot.turn_id", event.turn_id)
        span.set("bot.interrupted", event.interrupted)
        if include_text:
            span.set("bot.question", redact(question)[:TEXT_LIMIT])
            span.set("bot.answer", redact(event.text)[:TEXT_LIMIT])
