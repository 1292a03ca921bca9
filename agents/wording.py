"""Words of a text as the pipeline's checks compare them: content words, stems, exact terms.

Two kinds of evidence come out of a sentence: *content words* (stemmed, stop words left
out), which a passage may paraphrase a little, and *exact terms* (code, URLs, paths,
setting names, numbers), which a passage must contain verbatim: an invented command or
URL is the most harmful thing a small model writes.
"""

from __future__ import annotations

import re

from contracts.words import STOP_WORDS, stem
from contracts.words import WORD as _WORD

FENCE_MARK = "```"
__all__ = ["FENCE_MARK", "STOP_WORDS", "content_words", "exact_terms", "normalised", "stem",
           "stems", "strip_markup"]

_CITATION = re.compile(r"\s*\[\d{1,2}\]")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"'`\]]+", re.I)
# a token with inner punctuation (bot.toml, BOT_SLACK__BOT_TOKEN, --port, a/b) or digits
_TERM = re.compile(
    r"(?<![\w\-./])(?:--?[a-z][\w\-]*|[\w\-]*[a-z0-9][_./:=][\w\-./:=]*\w|\d[\d.,:]*)", re.I
)
_LIST_MARK = re.compile(r"^\s*(?:[-*+>]|\d{1,2}[.)]|#{1,6})\s+", re.M)
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "a.m", "p.m"})
_EMPHASIS = re.compile(r"\*\*|(?<!\w)__|__(?!\w)")


def strip_markup(text: str) -> str:
    """The text without citations, list markers, heading hashes and emphasis."""
    text = _CITATION.sub("", text)
    text = _LIST_MARK.sub("", text)
    return _EMPHASIS.sub("", text)


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (stop words, citations and markup left out)."""
    plain = _URL.sub(" ", strip_markup(text)).lower()
    return {stem(w) for w in _WORD.findall(plain) if w not in STOP_WORDS and len(w) > 2}


def stems(text: str) -> set[str]:
    """Every word's stem, stop words included (for looking words up, not counting them)."""
    return {stem(w) for w in _WORD.findall(text.lower())}


def exact_terms(text: str) -> list[str]:
    """Code spans, URLs, paths, setting names and numbers: what must occur verbatim."""
    text = strip_markup(text)
    terms = [t.strip() for t in _CODE_SPAN.findall(text)]
    rest = _CODE_SPAN.sub(" ", text)
    terms += [u.rstrip(".,;:!?") for u in _URL.findall(rest)]
    rest = _URL.sub(" ", rest)
    terms += [t.rstrip(".,;:") for t in _TERM.findall(rest)]
    return [t for t in terms if t and t.lower() not in _ABBREVIATIONS]


def normalised(text: str) -> str:
    """Lower case, one space between words: how exact terms are looked up in a passage."""
    return " ".join(text.lower().replace("`", "").split())
