"""Words as the bot compares them: stop words, and a crude stem shared by the pipeline's
checks (agents/wording.py) and the search's query-term coverage (knowledge/term_coverage.py),
so both count a question's words the same way."""

from __future__ import annotations

import re

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
WORD = re.compile(r"[a-z][a-z0-9'\-]*[a-z0-9]|[a-z]")
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


def word_stems(text: str) -> set[str]:
    """The stems of ``text``'s words that carry meaning (stop words and short ones left out)."""
    return {stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}
