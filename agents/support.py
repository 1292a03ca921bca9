"""Does a passage support a sentence? The check the pipeline runs before showing it.

A passage supports a sentence when it contains every exact term of the sentence (code,
URLs, paths, setting names, numbers) verbatim, and at least ``min_share`` of the
content words (stemmed) of the sentence and of each of its clauses (parts between
semicolons): a small model glues an invented clause onto a copied one ("…leaves it
alone; the document is returned after no more data has been read"), and the copied half
would carry the whole. The sentence is then shown citing that passage, whatever number
the model wrote: small models cite [1] for everything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agents.wording import FENCE_MARK, content_words, exact_terms, normalised, stems
from contracts.events import Source

CHECKED_WORDS = 2  # fewer content words (and no exact term): nothing to check ("Sure!")
SUBSTANTIVE_WORDS = 3  # fewer: a fragment or a lead-in, not yet an answer
_CLAUSE_END = re.compile(r";\s+")


@dataclass(frozen=True)
class Evidence:
    """One passage, prepared for repeated lookups."""

    source: Source
    stems: frozenset[str]
    text: str

    @classmethod
    def of(cls, source: Source) -> Evidence:
        whole = f"{source.heading}\n{source.text}"
        return cls(source, frozenset(stems(whole)), normalised(whole))

    def share(self, words: set[str]) -> float:
        """The share of ``words`` (stems) that this passage contains."""
        return len(words & self.stems) / len(words) if words else 1.0

    def holds(self, terms: Sequence[str]) -> bool:
        """Whether every term occurs as a whole token ("3" is not in "503")."""
        return all(re.search(_whole(normalised(term)), self.text) for term in terms)


@dataclass(frozen=True)
class Verdict:
    """What the check found for one sentence."""

    supported: bool
    substantive: bool  # it states something (not a lead-in like "Here is how:")
    source: Source | None = None  # the passage that supports it, when it needs one
    share: float = 1.0


def check_sentence(sentence: str, evidence: Sequence[Evidence], min_share: float) -> Verdict:
    """Whether one of the passages supports ``sentence``, and which one supports it best."""
    words, terms = content_words(sentence), exact_terms(sentence)
    substantive = (
        len(words) >= SUBSTANTIVE_WORDS
        and not sentence.rstrip().endswith(":")
        and not sentence.lstrip().startswith(FENCE_MARK)  # code alone does not answer
    )
    if len(words) < CHECKED_WORDS and not terms:
        return Verdict(supported=True, substantive=False)
    parts = [words, *clause_words(sentence)]

    def held(item: Evidence) -> float:  # the share of the clause it holds least of
        return min(item.share(part) for part in parts)

    best: tuple[float, Evidence] | None = None
    for item in evidence:
        share = held(item)
        if item.holds(terms) and share >= min_share and (best is None or share > best[0]):
            best = (share, item)
    if best is None:
        top = max((held(item) for item in evidence), default=0.0)
        return Verdict(supported=False, substantive=substantive, share=top)
    return Verdict(supported=True, substantive=substantive, source=best[1].source, share=best[0])


def clause_words(sentence: str) -> list[set[str]]:
    """The content words of each clause of a sentence of several, the short ones aside."""
    clauses = [content_words(c) for c in _CLAUSE_END.split(sentence)]
    return [c for c in clauses if len(c) >= CHECKED_WORDS] if len(clauses) > 1 else []


def _whole(term: str) -> str:
    """A pattern for ``term`` not glued to letters or digits on either side."""
    return rf"(?<![a-z0-9_]){re.escape(term)}(?![a-z0-9_])"
