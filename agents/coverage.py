"""Do the documents cover the question? Decided by the search itself, not by asking a model.

A 135M model answers "yes" or "no" to almost anything. The search scores do better: a
passage covers the question when it scores at least ``pipeline.min_score`` *and* shares a
content word with the message (for a follow-up with no content words of its own, with
the user's previous message). Greetings and thanks never count as shared words, and
neither do words the passage only quotes as an example of what to ask or what a model
said ("What is the capital of France?" as a question to try): coverage needs the passage
to talk about the thing, not to contain its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.queries import recent
from agents.small_talk import SMALL_TALK_WORDS
from agents.wording import content_words, stem, stems
from contracts.events import Source
from contracts.messages import ChatMessage

_PLEASANTRIES = frozenset(stem(w) for w in SMALL_TALK_WORDS)
# a quoted phrase of three words or more ("…", “…”), or code ending in a question
_EXAMPLE = re.compile(r'"(?=[^"]*\s[^"]*\s)[^"]{4,160}"|“[^”]{4,160}”|`[^`\n]*\?`')


def without_examples(text: str) -> str:
    """``text`` without the phrases it quotes: a question to try, a model's reply."""
    return _EXAMPLE.sub(" ", text)


def topic_words(message: str, history: list[ChatMessage]) -> set[str]:
    """The message's content words (stems), or the previous user message's when it has none."""
    words = content_words(message) - _PLEASANTRIES
    if words:
        return words
    earlier = [m.content for m in recent(history) if m.role == "user"]
    return content_words(earlier[-1]) - _PLEASANTRIES if earlier else set()


def covering(
    sources: Sequence[Source], message: str, history: list[ChatMessage], min_score: float,
    start: int = 1,
) -> list[Source]:
    """The passages that cover the message, renumbered from ``start`` (empty: not covered)."""
    words = topic_words(message, history)
    kept = [
        s for s in sources
        if s.score >= min_score and words & stems(f"{s.heading}\n{without_examples(s.text)}")
    ]
    return [s.model_copy(update={"n": i}) for i, s in enumerate(kept, start)]
