"""Deterministic rules that find which allowed label a free-text reply gives.

Models bury their answer: "The correct answer is A: … Summary B is inconsistent …",
"**B**", "Answer: yes", a paragraph ending in "A". The rules run from the most explicit
(the whole reply is a label, an "Answer: X" marker) to the least (the only label the reply
mentions), and give up (``None``) rather than guess when the reply hedges or is ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from judging.label_set import DESIGNATORS, WRAP, LabelSet
from judging.phrasing import (
    closing_parenthesis,
    opening_phrase,
    phrase_votes,
    rewrite,
    unsure,
)

_MARKER = (
    r"(?:final\s+answer|answer|verdict|choice|decision|label|prediction|winner|selection|"
    r"route|category|intent|classification|conclusion|"
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
    r"matches|states|says|contains|better|correctly|accurately|and|or|nor|vs|versus)\b)"
    r"[A-Za-z]",
    re.M,
)


def _unanimous(found: list[str]) -> str | None:
    return found[0] if found and len(set(found)) == 1 else None


def whole_reply(text: str, labels: LabelSet) -> str | None:
    """The reply is nothing but a label: "A", "**B.**", "(yes)", "Summary A"."""
    return labels.lookup(text, whole=True)


def marked(text: str, labels: LabelSet) -> str | None:
    """"Answer: X", "The correct answer is X", "I choose X"; a final answer wins, else the last."""
    wrap = r"[\s*_\"'`(\[]*"
    regex = re.compile(
        rf"\b{_MARKER}\s*(?:is|was|(?:would|will|has\s+to|must|should)\s+be)?\s*[:=\-–—]?{wrap}"
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
    lines = [line for line in text.splitlines() if line.strip(WRAP)]
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
    """"Summary A is correct", "B is inconsistent" (so A, of two), "I'd go with B", "A is
    clearer than B" (:mod:`judging.phrasing`): all such votes agree."""
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
    votes += phrase_votes(text, labels)
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
    whole_reply, marked, bold, final_line, leading, opening_phrase, trailing, closing_parenthesis,
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
    original = text.strip()
    if not original or unsure(original):  # never guess when the reply admits doubt
        return None
    text = rewrite(original, label_set)
    for rule in EXPLICIT_RULES:
        if (found := rule(text, label_set)) is not None:
            return found
    if echoes and (found := echoed(original, echoes)) is not None:
        return found
    if _HEDGE.search(text):
        return None
    for rule in IMPLICIT_RULES:
        if (found := rule(text, label_set)) is not None:
            return found
    return None
