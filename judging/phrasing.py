"""Verdicts phrased as a preference, a comparison or a position, and the hedges that void them.

Judges rarely write "Answer: B". They write "I'd go with the second one", "A is clearer
than B", "the consistent summary is the second (B)", "Therefore, B." This module reads
those: :func:`rewrite` turns positions into labels ("the second one" -> "candidate B",
"(B)" -> "B") so every rule sees the label, and :func:`phrase_votes` collects the labels
that preferences and comparisons name. :func:`unsure` spots a verdict that admits doubt
("hard to say", "I'm torn", "it could go either way"): such a reply is never read by rule.
"""

from __future__ import annotations

import re

from judging.label_set import DESIGNATORS, LabelSet

ORDINALS = ("first", "second", "third", "fourth")
_NOUN = rf"(?:one|{DESIGNATORS}|text|version|reply)s?"
_UNSURE = re.compile(
    r"\b(?:(?:hard|difficult|impossible)\s+to\s+(?:say|tell|choose|decide|pick)|"
    r"(?:not|n't)\s+(?:entirely\s+|really\s+|completely\s+)?(?:sure|certain|confident)|"
    r"unsure|uncertain|torn\b|either\s+way|could\s+be\s+either|go\s+with\s+either|"
    r"either\s+(?:one|of\s+them)\s+(?:is|works|would|could)|it\s+depends|depends\s+on\s+"
    r"(?:whether|how|what|the)|no\s+clear\s+(?:winner|choice|preference|favou?rite)|"
    r"wouldn'?t\s+bet|(?:can'?t|cannot|can\s+not)\s+(?:really\s+)?(?:pick|choose|tell|say|"
    r"decide)|(?:say|mean|state)s?\s+the\s+same\s+thing|toss[\s-]?up|on\s+the\s+fence|"
    r"as\s+(?:good|bad|accurate|faithful)\s+as\s+each\s+other)",
    re.I,
)
_MORE = r"(?:more|better|closer|\w{3,}er)"
_LESS = r"(?:less|worse|weaker|poorer|further|farther)"
_PREFER = (
    r"(?:(?:i(?:'d|’d|\s+would|'ll|’ll|\s+will)?|let\s+me|i'?m\s+going\s+to|i\s+am\s+going\s+to)"
    r"\s+(?:go\s+with|lean\s+(?:towards?|to)|pick|choose|prefer|take|favou?r|say|vote\s+for|"
    r"opt\s+for|side\s+with|recommend)|going\s+with|"
    r"my\s+(?:preference|pick|choice|vote|money)\s+(?:is|would\s+be|goes\s+to|is\s+on)"
    r"(?:\s+(?:for|on))?)"
)
# After a preferred label the sentence ends or gives a reason; "I'd say A is worse" is a
# statement about A, not a pick.
_AFTER_PICK = r"(?=\s*(?:[.,;:!?)—–-]|$)|\s+(?:over|because|since|as|here|this\s+time|for)\b)"
_PRAISE = (
    r"(?:wins|is\s+the\s+winner|gets\s+my\s+vote|gets\s+it\s+right|"
    r"should\s+be\s+(?:chosen|preferred|picked|selected)|is\s+preferable|"
    r"is\s+the\s+one\s+(?:i'?d|i\s+would|to)\s+(?:trust|pick|choose|go\s+with|prefer)|"
    r"is\s+the\s+one\s+(?:that|which)\s+(?:is\s+)?(?:correct|consistent|accurate|faithful|"
    r"right|supported|true)|accurately|correctly|faithfully)"
)


def unsure(text: str) -> bool:
    """The verdict admits doubt; a rule must not pick a label from it."""
    return _UNSURE.search(text) is not None


def rewrite(text: str, labels: LabelSet) -> str:
    """``text`` with candidate positions spelled as labels, for positional label sets.

    "the second one (B)" and "the second candidate" become "candidate B"; "(B)" becomes
    "B"; "the first," becomes "candidate A,". Other label sets come back unchanged.
    """
    if not labels.positional:
        return text
    ordinal = "|".join(ORDINALS[: len(labels.labels)])

    def named(match: re.Match[str]) -> str:
        given = match.group("paren")
        label = given if given else labels.labels[ORDINALS.index(match.group("ord").lower())]
        return f"candidate {label}"

    letters = "|".join(re.escape(x) for x in labels.labels)
    text = re.sub(
        rf"\b(?:the\s+)?(?P<ord>{ordinal})(?:\s+{_NOUN}\b|(?=\s*[,.;:!?)]|\s*$|\s+over\b|"
        rf"\s+and\b|\s+(?:is|was|does|gets)\b))(?:\s*\((?P<paren>{letters})\))?",
        named, text, flags=re.I,
    )
    return re.sub(rf"\(\s*({letters})\s*\)", r"\1", text)


def closing_parenthesis(text: str, labels: LabelSet) -> str | None:
    """The reply ends with a label in parentheses: "… nothing to look up (no)."."""
    match = re.search(rf"\(\s*{labels.pattern()}\s*\)[\s.!]*$", text, re.I)
    return labels.lookup(match.group(1)) if match else None


def opening_phrase(text: str, labels: LabelSet) -> str | None:
    """The reply opens with "Definitely not", "Of course", … and a delimiter (yes/no sets)."""
    opening = text.strip(" \t\r\n*_`'\"([").lower()
    for phrase in sorted(labels.opening_only, key=len, reverse=True):
        if re.match(rf"{re.escape(phrase)}\s*(?:[.,;:!—–-]|$)", opening):
            return labels.opening_only[phrase]
    return None


def phrase_votes(text: str, labels: LabelSet) -> list[str | None]:
    """The labels that preferences, comparisons and short conclusions in ``text`` vote for.

    A vote of ``None`` (a comparison that cannot be read, a negated one) makes the caller
    give up, as a contradiction does.
    """
    return [*_preferences(text, labels), *_comparisons(text, labels), *_conclusions(text, labels)]


def _label(labels: LabelSet) -> str:
    return rf"(?:{DESIGNATORS}\s+)?{labels.pattern()}"


def _preferences(text: str, labels: LabelSet) -> list[str | None]:
    lab = _label(labels)
    found = [m.group(1) for m in re.finditer(rf"\b{_PREFER}\s+{lab}{_AFTER_PICK}", text, re.I)]
    found += [m.group(1) for m in re.finditer(rf"{lab}[*_]*\s+{_PRAISE}\b", text, re.I)]
    found += [m.group(1) for m in re.finditer(
        rf"\bit(?:'s|’s|\s+is|\s+has\s+to\s+be|\s+must\s+be)\s+{lab}{_AFTER_PICK}", text, re.I)]
    found += [m.group(1) for m in re.finditer(rf"{lab}\s+it\s+is\s*[.!]?\s*$", text, re.I)]
    return [labels.lookup(x) for x in found]


def _comparisons(text: str, labels: LabelSet) -> list[str | None]:
    lab = _label(labels)
    votes: list[str | None] = []
    for m in re.finditer(rf"{lab}(?P<mid>[^.;!?\n]{{0,60}}?)\bthan\s+{lab}", text, re.I):
        votes.append(_compared(m.group(1), m.group("mid"), m.group(3), labels))
    for m in re.finditer(rf"{lab}\s+(?:\w+\s+)?(?:outperforms|beats|outdoes|surpasses|trumps)"
                         rf"\s+{lab}", text, re.I):
        votes.append(labels.lookup(m.group(1)))
    for m in re.finditer(rf"\bcompared\s+(?:with|to)\s+{lab},\s*{lab}(?P<mid>[^.;!?\n]*)",
                         text, re.I):
        votes.append(_compared(m.group(2), m.group("mid"), m.group(1), labels))
    for m in re.finditer(rf"\bof\s+the\s+two,?\s*{lab}(?P<mid>[^.;!?\n]*)", text, re.I):
        named = labels.lookup(m.group(1))
        votes.append(labels.other(named) if named and _worse(m.group("mid")) else named)
    return votes


def _compared(first: str, mid: str, second: str, labels: LabelSet) -> str | None:
    """"A <mid> than B": A when mid says better, B when it says worse, None when unclear."""
    a, b = labels.lookup(first), labels.lookup(second)
    if a is None or b is None or a == b or re.search(r"\b(?:not|n't|no)\b", mid, re.I):
        return None
    if _worse(mid):
        return b
    return a if re.search(rf"\b{_MORE}\b", mid, re.I) else None


def _worse(words: str) -> bool:
    negative = r"inaccurate|incorrect|wrong|misleading|unfaithful|unsupported|inconsistent"
    return re.search(rf"\b(?:{_LESS}|{negative})\b", words, re.I) is not None


def _conclusions(text: str, labels: LabelSet) -> list[str | None]:
    """A short sentence that ends on a label after a comma: "Therefore, B." "Between the
    two, A."."""
    regex = rf"(?:^|[.!?:;]\s+|\n)[^.!?:;\n,]{{1,40}},\s*{_label(labels)}\s*(?:[.!]|$)"
    return [labels.lookup(m.group(1)) for m in re.finditer(regex, text, re.I | re.M)]
