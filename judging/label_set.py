"""The allowed labels of one extraction: their spellings and the regex fragments that find them."""

from __future__ import annotations

import re
from collections.abc import Sequence

YES_SYNONYMS = ("yes", "yeah", "yep", "true", "correct", "affirmative")
NO_SYNONYMS = ("no", "nope", "false", "incorrect", "negative")
WHOLE_ONLY = {"y": "yes", "n": "no"}  # too short to trust anywhere but as the whole reply
# Trusted only where a reply opens with them ("Definitely not; it's small talk"): inside a
# sentence "definitely" or "of course" says nothing about which label is meant.
OPENING_ONLY = {"definitely not": "no", "certainly not": "no", "absolutely not": "no",
                "of course not": "no", "not at all": "no", "definitely": "yes",
                "certainly": "yes", "absolutely": "yes", "of course": "yes"}
DESIGNATORS = r"(?:summary|option|candidate|response|sentence|choice|answer|label)"
WRAP = " \t\r\n*_`'\"()[]{}<>.,:;!?-–—#="


def norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip()).lower()


def strip_designator(text: str) -> str:
    return re.sub(rf"^{DESIGNATORS}\s*[:=\-]?\s*", "", text.strip(WRAP), flags=re.I)


class LabelSet:
    """The allowed labels, their accepted spellings, and regex fragments matching them."""

    def __init__(self, labels: Sequence[str]) -> None:
        if not labels:
            raise ValueError("extract_label needs at least one allowed label")
        self.labels = list(labels)
        self.aliases: dict[str, str] = {norm(label): label for label in labels}
        for canonical, synonyms in (("yes", YES_SYNONYMS), ("no", NO_SYNONYMS)):
            label = self.aliases.get(canonical)
            if label is not None:
                for word in synonyms:
                    self.aliases.setdefault(word, label)
        self.whole_only = {k: self.aliases[v] for k, v in WHOLE_ONLY.items() if v in self.aliases}
        self.opening_only = {k: self.aliases[v] for k, v in OPENING_ONLY.items()
                             if v in self.aliases}

    @property
    def positional(self) -> bool:
        """Letters or digits that stand for candidates in the order shown (A, B, …): then
        "the first one" names the first label."""
        return all(len(label) == 1 and label.isalnum() for label in self.labels)

    def lookup(self, token: str, whole: bool = False) -> str | None:
        """The label ``token`` spells (ignoring case, wrappers and a designator word)."""
        for bare in dict.fromkeys((norm(token.strip(WRAP)), norm(strip_designator(token)))):
            found = self.aliases.get(bare) or (self.whole_only.get(bare) if whole else None)
            if found is not None:
                return found
        return None

    def pattern(self) -> str:
        """A capturing group matching any alias; one-letter labels only as capitals."""
        parts = []
        for alias in sorted(self.aliases, key=len, reverse=True):
            escaped = r"\s+".join(re.escape(w) for w in alias.split())
            parts.append(f"(?-i:{escaped.upper()})" if len(alias) == 1 else escaped)
        return r"(?<![\w-])(" + "|".join(parts) + r")(?![\w-])"

    def other(self, label: str) -> str | None:
        """With exactly two labels, the one that is not ``label``."""
        rest = [x for x in self.labels if x != label]
        return rest[0] if len(self.labels) == 2 and len(rest) == 1 else None
