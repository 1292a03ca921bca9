"""An answer made only of the documents' own words: what a small model's answer falls back to.

The passages that share most words with the question (then score best) are quoted whole,
each under its citation; the others are listed as "see also". Nothing in it is the model's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.wording import FENCE_MARK, content_words, stems
from contracts.events import Source

_MID_SENTENCE = re.compile(r"^[a-z,;)\]]")
_SENTENCE_END = re.compile(r"[.!?]\s")
QUOTED = 2
MAX_QUOTE_CHARS = 900
LEAD = "Here is what the documents say."


def short_label(source: Source) -> str:
    """The file name and the innermost heading: enough to find the passage."""
    name = source.source.rsplit("/", 1)[-1]
    heading = source.heading.rsplit("›", 1)[-1].strip()
    return f"{name} — {heading}" if heading else name


def relevance(question: str, source: Source) -> tuple[int, int, float]:
    """How many of the question's content words the passage holds, then its heading holds,
    then its search score. The question itself quoted in a passage (docs give it as an
    example to ask) is no answer to it, so its words there do not count."""
    asked = content_words(question)
    text = re.sub(re.escape(question.strip()), " ", source.text, flags=re.I)
    held = asked & stems(f"{source.heading}\n{text}")
    return len(held), len(asked & stems(source.heading)), source.score


def quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """The passage from its first whole sentence (a chunk may begin mid-sentence, where it
    overlaps the one before), cut at a line end when long, any open code block closed."""
    text = text.strip()
    start = _SENTENCE_END.search(text) if _MID_SENTENCE.match(text) else None
    if start is not None and start.end() < len(text) // 2:
        text = text[start.end() :].lstrip()
    if len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        text = text[: cut if cut > 0 else limit].rstrip() + "\n…"
    return balanced(text)


def balanced(text: str) -> str:
    """``text`` with an odd code fence paired: a chunk that begins inside a code block
    shows its closing fence first (a bare one), so the opening one goes before the text."""
    if text.count(FENCE_MARK) % 2 == 0:
        return text
    first = next(line.strip() for line in text.splitlines() if line.strip().startswith(FENCE_MARK))
    return f"{FENCE_MARK}\n{text}" if first == FENCE_MARK else f"{text}\n{FENCE_MARK}"


def unseen(text: str, shown: str) -> str:
    """``text`` without its leading lines already quoted (chunks of a section overlap)."""
    seen = {" ".join(line.split()) for line in shown.splitlines()}
    lines = text.strip().splitlines()
    start = 0
    while start < len(lines) and " ".join(lines[start].split()) in seen | {""}:
        start += 1
    return "\n".join(lines[start:])


def extractive_answer(question: str, sources: Sequence[Source]) -> tuple[str, list[Source]]:
    """The answer text and the sources it cites (best first); empty without sources."""
    ranked = sorted(sources, key=lambda s: relevance(question, s), reverse=True)
    if not ranked:
        return "", []
    parts = [LEAD]
    quoted: list[Source] = []
    others: list[Source] = []
    for source in ranked:
        text = unseen(source.text, "\n".join(s.text for s in quoted))
        if len(quoted) == QUOTED or not text.strip():
            others.append(source)
            continue
        quoted.append(source)
        parts.append(f"[{source.n}] {short_label(source)}:\n\n{quote(text)}")
    if others:
        parts.append("See also " + "; ".join(f"[{s.n}] {short_label(s)}" for s in others) + ".")
    return "\n\n".join(parts), quoted + others
