"""Words of a text as the pipeline's checks compare them: content words, stems, exact terms.

Two kinds of evidence come out of a sentence: *content words* (stemmed, stop words left
out), which a passage may paraphrase a little, and *exact terms* (code, URLs, paths,
setting names, numbers), which a passage must contain verbatim: an invented command or
URL is the most harmful thing a small model writes.
"""

from __future__ import annotations

import re

FENCE_MARK = "```"

_STOP_WORDS = """
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each either else even ever every few first for from
further get gets getting got had hadn't has hasn't have haven't having he her here hers
him his how however i i'd i'll i'm i've if in into is isn't it it's its itself just let
let's like make makes many may me might more most much must mustn't my need needs next no
nor not now of off on once one only or other our ours out over own please same shall she
should shouldn't simply so some such sure than that that's the their theirs them then
there there's these they they're this those through thus to too under until up upon us
use used uses using very via want was wasn't way we we're well were weren't what what's
when where which while who whom why will with within without won't would wouldn't yes yet
you you'd you'll you're you've your yours yourself also already always another anything
etc e.g i.e example following follow follows step steps note sure here's okay ok really
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WORD = re.compile(r"[a-z][a-z0-9'\-]*[a-z0-9]|[a-z]")
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
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "e")


def stem(word: str) -> str:
    """A crude stem: one common suffix off, then at most six letters ("connects" and
    "connection" both become "connec"), so light paraphrase still matches."""
    word = word.lower().strip("'-").removesuffix("'s")
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:6]


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
