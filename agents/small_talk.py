"""Messages that need neither the documents nor a fact: greetings, thanks, goodbyes.

With checks on, a small model does not answer them at all: asked "Hello, how are you?",
SmolLM2-135M replied that it was "a regular guy" who "loved the outdoors". The reply is
the prompt file ``reply_greeting.txt`` or ``reply_thanks.txt`` instead. A fixed word list
decides: a message made only of these words is small talk.
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
THANKS_WORDS = frozenset({"thanks", "thank", "thx", "ty", "cheers", "appreciate",
                          "appreciated", "bye", "goodbye"})
_WORD = re.compile(r"[a-z']+")


def small_talk_reply(text: str) -> str | None:
    """The prompt that replies to ``text`` when it is small talk (thanks and goodbyes get
    ``reply_thanks``, anything else ``reply_greeting``); None when it is not small talk."""
    if not is_small_talk(text):
        return None
    return "reply_thanks" if THANKS_WORDS & set(_words(text)) else "reply_greeting"


def is_small_talk(text: str) -> bool:
    """Whether every word of ``text`` is a greeting, thanks or pleasantry."""
    words = _words(text)
    return bool(words) and all(w in SMALL_TALK_WORDS for w in words)


def _words(text: str) -> list[str]:
    return [w.strip("'") for w in _WORD.findall(text.lower().replace("’", "'"))]
