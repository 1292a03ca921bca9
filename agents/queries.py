"""Search queries for the pipeline: the query writer's reply cleaned, and checked.

Small models describe the task instead of doing it ("Here's a query for the user's
message…") or answer the question inside the query ("The document mentions that the
capital of France is Paris"). The first is caught by its shape; the second by words the
user never wrote: with checks on, a query may only use words of the conversation.
"""

from __future__ import annotations

import re

from agents.wording import content_words, stems
from contracts.messages import ChatMessage

QUERY_PREFIX = re.compile(r"^(?:search\s+)?(?:query|keywords|search)\s*[:\-]\s*", re.I)
PROSE = re.compile(r"\b(?:user'?s?|query|message|here'?s|i am|i'm|as an ai)\b|:$", re.I)
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
HISTORY_MESSAGES = 4


def clean_query(reply: str) -> str:
    """The query in the writer's reply: its first line without a "Query:" label, quotes or
    trailing punctuation; empty when that line reads like prose rather than a query (small
    models describe the task instead of doing it), so the user's words are used instead."""
    for line in reply.strip().splitlines():
        line = QUERY_PREFIX.sub("", line.replace("*", "").replace("`", "").strip("#>- \t"))
        line = line.strip().strip("\"'“”.?!").strip()
        if line:
            return line if plausible_query(line) else ""
    return ""


def plausible_query(text: str) -> bool:
    """A few keywords, not a sentence about the user, the query or the message."""
    words = text.split()
    return 0 < len(words) <= MAX_QUERY_WORDS and not PROSE.search(text) and len(text) <= 200


def invented_words(query: str, message: str, history: list[ChatMessage]) -> set[str]:
    """The query's content words (stems) the user wrote neither in this message nor in an
    earlier one. The assistant's words do not count: they are the model's or the documents'."""
    earlier = "\n".join(m.content for m in history if m.role == "user" and m.content)
    return content_words(query) - stems(f"{message}\n{earlier}")


def recent(history: list[ChatMessage]) -> list[ChatMessage]:
    """The last few user and assistant messages with text: what a follow-up refers to."""
    return [m for m in history if m.role in ("user", "assistant") and m.content][
        -HISTORY_MESSAGES:
    ]


def history_text(history: list[ChatMessage]) -> str:
    """The recent messages, short, for the router and query writer prompts."""
    lines = [f"{m.role}: {m.content[:300]}" for m in recent(history)]
    return "Earlier conversation:\n" + "\n".join(lines) + "\n\n" if lines else ""


def context_query(message: str, history: list[ChatMessage]) -> str | None:
    """The user's previous message and this one together: the user's own words for a
    follow-up ("How do I change its port?") whose subject is in the turn before."""
    earlier = [m.content for m in recent(history) if m.role == "user"]
    return f"{earlier[-1][:MAX_QUERY_CHARS]} {message}" if earlier else None
