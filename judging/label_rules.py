"""Deterministic rules that find which allowed label a free-text reply gives.

Models bury their answer: "The correct answer is A: … Summary B is inconsistent …",
"**B**", "Answer: yes", a paragraph ending in "A". The rules run from the most explicit
(the whole reply is a label, an "Answer: X" marker) to the least (the only label the reply
mentions), and give up (``None``) rather than guess when the reply hedges or is ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

YES_SYNONYMS = ("yes", "yeah", "yep", "true", "correct", "affirmative")
NO_SYNONYMS = ("no", "nope", "false", "incorrect", "negative")
WHOLE_ONLY = {"y": "yes", "n": "no"}  # too short to trust anywhere but as the whole reply
DESIGNATORS = r"(?:summary|option|candidate|response|sentence|choice|answer|label)"
_WRAP = " \t\r\n*_`'\"()[]{}<>.,:;!?-–—#="
_MARKER = (
    r"(?:final\s+answer|answer|verdict|choice|decision|label|prediction|winner|selection|"
    r"route|category|intent|classification|"
    r"i\s+(?:would\s+|will\s+)?(?:choose|chose|pick|select|prefer|go\s+with)|"
    r"(?:correct|consistent|better|best|right|accurate|faithful)\s+"
    r"(?:one|summary|option|candidate|response|sentence|choice))"
)
_POSITIVE = (
    r"(?:the\s+)?(?:more\s+|most\s+)?(?:correct|consistent|accurate|better|best|right|"
    r"faithful|factual|true|supported|preferable|winner)"
)
_NEGATIVE = (
    r"(?:not\b|inconsistent|incorrect|inaccurate|wrong|worse|unsupported|false|unfaithful|"
    r"misleading|contradict)"
)
_HEDGE = re.compile(
    r"\b(?:neither|both\s+(?:are|is|summaries|options|candidates)|equally|a\s+tie|"
    r"(?:cannot|can't|can\s+not|unable\s+to)\s+(?:decide|determine|tell|say|choose))\b",
    re.I,
)
# "A" opening a sentence is usually the article ("A Leeds baker won…"), unless a verb follows.
_ARTICLE = re.compile(
    r"(?:^|[.!?]\s+)A\s+(?!(?:is|was|seems|appears|looks|wins|would|should|has|does|"
    r"matches|states|says|contains|better|correctly|accurately)\b)[A-Za-z]",
    re.M,
)


class LabelSet:
    """The allowed labels, their accepted spellings, and regex fragments matching them."""

    def __init__(self, labels: Sequence[str]) -> None:
        if not labels:
            raise ValueError("extract_label needs at least one allowed label")
        self.labels = list(labels)
        self.aliases: dict[str, str] = {_norm(label): label for label in labels}
        for canonical, synonyms in (("yes", YES_SYNONYMS), ("no", NO_SYNONYMS)):
            label = self.aliases.get(canonical)
            if label is not None:
                for word in synonyms:
                    self.aliases.setdefault(word, label)
        self.whole_only = {k: self.aliases[v] for k, v in WHOLE_ONLY.items() if v in self.aliases}

    def lookup(self, token: str, whole: bool = False) -> str | None:
        """The label ``token`` spells (ignoring case, wrappers and a designator word)."""
        for bare in dict.fromkeys((_norm(token.strip(_WRAP)), _norm(_strip_designator(token)))):
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


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip()).lower()


def _strip_designator(text: str) -> str:
    return re.sub(rf"^{DESIGNATORS}\s*[:=\-]?\s*", "", text.strip(_WRAP), flags=re.I)


def _unanimous(found: list[str]) -> str | None:
    return found[0] if found and len(set(found)) == 1 else None


def whole_reply(text: str, labels: LabelSet) -> str | None:
    """The reply is nothing but a label: "A", "**B.**", "(yes)", "Summary A"."""
    return labels.lookup(text, whole=True)


def marked(text: str, labels: LabelSet) -> str | None:
    """"Answer: X", "The correct answer is X", "I choose X"; a final answer wins, else the last."""
    wrap = r"[\s*_\"'`(\[]*"
    regex = re.compile(
        rf"\b{_MARKER}\s*(?:is|was|would\s+be|will\s+be)?\s*[:=\-–—]?{wrap}"
        rf"(?:{DESIGNATORS}\s*)?{wrap}{labels.pattern()}",
        re.I,
    )
    hits = [(m.group(0).lower().startswith("final"), m.group(1)) for m in regex.finditer(text)]
    if not hits:
        return None
    finals = [h for h in hits if h[0]]
    return labels.lookup((finals or hits)[-1][1])


def bold(text: str, labels: LabelSet) -> str | None:
    """Every bold span that is a label names the same one: "… so **A**"."""
    spans = re.findall(r"\*\*(.+?)\*\*|__(.+?)__", text)
    return _unanimous([x for a, b in spans if (x := labels.lookup(a or b)) is not None])


def final_line(text: str, labels: LabelSet) -> str | None:
    """The last non-empty line is a label on its own."""
    lines = [line for line in text.splitlines() if line.strip(_WRAP)]
    return labels.lookup(lines[-1], whole=True) if lines else None


def leading(text: str, labels: LabelSet) -> str | None:
    """The reply opens with a label and a delimiter: "A. Because …", "Yes, it does"."""
    regex = re.compile(rf"^{labels.pattern()}\s*(?:[.:;,)!\n—–-]|$)", re.I)
    match = regex.match(text.strip(" \t\r\n*_`'\"(["))
    return labels.lookup(match.group(1)) if match else None


def trailing(text: str, labels: LabelSet) -> str | None:
    """The reply ends with a colon or dash and a label: "…, so my pick: B."."""
    wrap = r"[\s*_\"'`(\[]*"
    regex = re.compile(rf"[:=\-–—>]{wrap}{labels.pattern()}[\s*_\"'`)\].!]*$", re.I)
    match = regex.search(text)
    return labels.lookup(match.group(1)) if match else None


def statements(text: str, labels: LabelSet) -> str | None:
    """"Summary A is correct", "B is inconsistent" (so A, of two): all such votes agree."""
    subject = (
        rf"(?:{DESIGNATORS}\s+)?{labels.pattern()}[*_]*\s*"
        r"(?:(?:is|was|seems|appears\s+to\s+be|looks)\s+|[:=\-–—]\s*)"
    )
    votes = [labels.lookup(m.group(1)) for m in re.finditer(subject + _POSITIVE, text, re.I)]
    for m in re.finditer(subject + _NEGATIVE, text, re.I):
        named = labels.lookup(m.group(1))
        votes.append(labels.other(named) if named else None)
    for m in re.finditer(rf"\bnot\s+(?:{DESIGNATORS}\s+)?{labels.pattern()}", text, re.I):
        named = labels.lookup(m.group(1))
        votes.append(labels.other(named) if named else None)
    return None if None in votes else _unanimous([v for v in votes if v])


def sole_mention(text: str, labels: LabelSet) -> str | None:
    """Exactly one label is mentioned at all (word labels only in short replies)."""
    cleaned = _ARTICLE.sub(" ", text)
    short = len(text.split()) <= 12
    found = {
        labels.lookup(m.group(1))
        for m in re.finditer(labels.pattern(), cleaned, re.I)
        if short or len(m.group(1)) == 1
    }
    found.discard(None)
    return found.pop() if len(found) == 1 else None


EXPLICIT_RULES: list[Callable[[str, LabelSet], str | None]] = [
    whole_reply, marked, bold, final_line, leading, trailing,
]
IMPLICIT_RULES: list[Callable[[str, LabelSet], str | None]] = [statements, sole_mention]


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def echoed(text: str, echoes: Mapping[str, str]) -> str | None:
    """The label whose text the reply repeats, when it repeats exactly one of them.

    Small models often answer a pairwise question by copying the candidate they chose, and
    a length limit may cut the copy short: six words or more of one candidate count too.
    """
    reply = _plain(text)
    partial = len(reply.split()) >= 6
    plain = {label: _plain(quoted) for label, quoted in echoes.items()}
    found = [label for label, quoted in plain.items()
             if quoted and (quoted in reply or (partial and reply in quoted))]
    return found[0] if len(found) == 1 else None


def extract_label(
    text: str, labels: Sequence[str], echoes: Mapping[str, str] | None = None
) -> str | None:
    """The allowed label ``text`` gives, or ``None`` when the rules cannot tell.

    Deterministic and cheap; returns the label spelled as in ``labels``. ``echoes`` maps
    labels to the texts they stand for (the candidates), so a reply that just repeats one
    of them is read as choosing it.
    """
    label_set = LabelSet(labels)
    text = text.strip()
    if not text:
        return None
    for rule in EXPLICIT_RULES:
        if (found := rule(text, label_set)) is not None:
            return found
    if echoes and (found := echoed(text, echoes)) is not None:
        return found
    if _HEDGE.search(text):
        return None
    for rule in IMPLICIT_RULES:
        if (found := rule(text, label_set)) is not None:
            return found
    return None
