"""Messages that need neither the documents nor a fact: greetings, thanks, goodbyes.

The pipeline tells the user when the documents do not cover a question and the model
answers on its own; for "Hello, how are you?" that note would be noise. A fixed word list
decides it: a message made only of these words is small talk.
"""

from __future__ import annotations

import re

_SMALL_TALK = """
hi hello hey hiya howdy yo greetings good morning afternoon evening night day thanks thank
thx ty cheers you very much so lot a all that's that is it for today now bye goodbye see
later soon take care how are you're doing going it's what's up fine well great nice cool ok
okay awesome perfect lovely sure yes no nope yeah yep got i i'm am we we're appreciate
appreciated welcome please and again there bot everyone folks team
"""
SMALL_TALK_WORDS = frozenset(_SMALL_TALK.split())
_WORD = re.compile(r"[a-z']+")


def is_small_talk(text: str) -> bool:
    """Whether every word of ``text`` is a greeting, thanks or pleasantry."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return bool(words) and all(w.strip("'") in SMALL_TALK_WORDS for w in words)
