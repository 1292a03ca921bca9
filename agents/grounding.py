"""How far an answer follows the passages it was given: a cheap check against invention.

Tiny models happily write fluent text the passages never said. When too few of an answer's
content words occur in the passages, the user is told so and shown the best passage.
"""

from __future__ import annotations

import re

from contracts.events import Source

_WORD = re.compile(r"[a-z][a-z0-9_\-]{3,}")
_COMMON = frozenset({
    "about", "after", "also", "because", "been", "before", "being", "could", "does", "from",
    "have", "here", "into", "just", "like", "make", "more", "most", "much", "only", "other",
    "should", "some", "such", "than", "that", "their", "them", "then", "there", "these",
    "they", "this", "those", "through", "very", "want", "what", "when", "where", "which",
    "while", "will", "with", "would", "your", "answer", "question", "passage", "passages",
    "document", "documents",
})
MIN_SUPPORT = 0.5
QUOTE_CHARS = 400


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _COMMON}


def support(answer: str, sources: list[Source]) -> float:
    """The share of the answer's content words found in the passages (1.0 for no words)."""
    words = content_words(answer)
    if not words:
        return 1.0
    known = content_words(" ".join(s.text + " " + s.heading for s in sources))
    return len(words & known) / len(words)


def weak_grounding_note(answer: str, sources: list[Source]) -> str | None:
    """A note pointing to the best passage when ``answer`` strays from ``sources``."""
    if not sources or support(answer, sources) >= MIN_SUPPORT:
        return None
    best = sources[0]
    quote = " ".join(best.text.split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    return (
        "\n\n(This answer may not follow the documents closely. "
        f"The most relevant passage, [{best.n}] {best.label()}, says: “{quote}”)"
    )
