"""An answer made only of the documents' own words: what a small model's answer falls back to.

The sections that answer the question best are quoted whole (agents/quoting.py), each
under its citation; the other passages the model saw are listed as "see also". Nothing
in it is the model's. Sections are ranked by their search score with small bonuses: the
share of the question's words in their heading path, the share they hold anywhere, and
steps (a numbered list or shell commands) when the question asks how to do something.
A word's share is larger the fewer of the candidate sections hold it: the product's name
in every title, or "judge" all over the page on judging, tells the sections apart by
nothing, while the rarer words of the question ("compare", "two") point at the answer.
The search's one-passage-per-file rule is for what the model reads; the quote may show
two sections of one file, from the wider ``pool``. A long section is quoted from its
opening when the search found the opening too, whichever of its passages scored best.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from agents.quoting import quote, quote_source
from agents.wording import content_words, stems
from contracts.events import Source

QUOTED = 2
# chosen on the 17 document questions of benchmarks/data/honest_answers (the dev set) and
# its first test set (issue 25); benchmarks/quoted_sections.py reports them and test2,
# written before these values and never tuned on
HEADING_WEIGHT = 0.2
TITLE_WEIGHT = 0.1  # the page is about it: a section of another page only mentions it
HELD_WEIGHT = 0.25
STEPS_WEIGHT = 0.05
LEAD = "Here is what the documents say."
_HOW_TO = re.compile(r"\bhow (?:do|can|should|would|to)\b|\bhow\b.*\?$|^(?:steps|set ?up)\b",
                     re.I)
# steps: a numbered list, a shell code block, or a code block that opens with a command
_STEPS = re.compile(r"^\s*\d{1,2}[.)]\s|^```(?:sh|bash|shell|console)\b"
                    r"|^```[ \t]*\n(?:\$ )?[a-z][\w./-]* [a-z\-][^=:\n]*$", re.M)
_STEP_NUMBER = re.compile(r"^(\d{1,2})[.)]\s")

__all__ = ["LEAD", "extractive_answer", "quote", "relevance", "short_label", "word_weights"]


def short_label(source: Source) -> str:
    """The file name and the innermost heading: enough to find the passage."""
    name = source.source.rsplit("/", 1)[-1]
    return f"{name} — {innermost(source)}" if innermost(source) else name


def innermost(source: Source) -> str:
    return source.heading.rsplit("›", 1)[-1].strip()


def relevance(question: str, source: Source, weights: Mapping[str, float] | None = None) -> float:
    """How well the passage's section answers: its search score, plus up to
    ``HEADING_WEIGHT`` for the share of the question's words in its heading path, up to
    ``HELD_WEIGHT`` for the share it holds anywhere, and ``STEPS_WEIGHT`` for steps when
    the question asks how. The question itself quoted in a passage (docs give it as an
    example to ask) is no answer to it, so its words there do not count. ``weights``: each
    word's share (``word_weights``); every word the same without."""
    asked = content_words(question)
    if not asked:
        return source.score
    shares = weights or dict.fromkeys(asked, 1 / len(asked))

    def share(words: set[str]) -> float:
        return sum(shares.get(w, 0.0) for w in asked & words)

    body = source.section or source.text
    text = re.sub(re.escape(question.strip().rstrip("?")), " ", body, flags=re.I)
    held = share(stems(f"{source.heading}\n{text}"))
    in_heading = share(stems(source.heading))
    in_title = share(stems(source.heading.partition("›")[0]))
    steps = bool(_HOW_TO.search(question.strip())) and bool(_STEPS.search(body))
    return (source.score + HEADING_WEIGHT * in_heading + TITLE_WEIGHT * in_title
            + HELD_WEIGHT * held + STEPS_WEIGHT * steps)


def extractive_answer(
    question: str, sources: Sequence[Source], pool: Sequence[Source] = (),
    more: Sequence[Source] = (),
) -> tuple[str, list[Source]]:
    """The answer text and the sources it cites (quoted first); empty without sources.
    ``pool``: more passages the quote may draw on, beyond the ``sources`` the model saw;
    ``more``: other sections of their files (which the search's one passage per file
    leaves out)."""
    candidates = sections(sources, [*pool, *more])
    weights = word_weights(question, candidates)
    ranked = sorted(candidates, key=lambda s: relevance(question, s, weights), reverse=True)
    if not ranked:
        return "", []
    quoted = reading_order(chosen(ranked))
    found = found_passages([*sources, *pool, *more])
    searched = found_passages(sorted([*sources, *pool], key=lambda s: s.score, reverse=True))
    parts = [LEAD, *(quote_block(s, quoted[:i], found.get(section_key(s), []),
                                 searched.get(section_key(s), []), question)
                     for i, s in enumerate(quoted))]
    parts = [p for p in parts if p]
    keys = {section_key(s) for s in quoted}
    others = [s for s in sources if section_key(s) not in keys]
    if others:
        parts.append("See also " + "; ".join(f"[{s.n}] {short_label(s)}" for s in others) + ".")
    return "\n\n".join(parts), quoted + others


def word_weights(question: str, candidates: Sequence[Source]) -> dict[str, float]:
    """Each content word of the question with its share of the bonuses, summing to 1: more
    the fewer ``candidates`` hold it (log(1 + sections / sections holding it)), nothing for
    a word none holds (it tells them apart by nothing either). Equal shares when no
    candidate holds any."""
    asked = content_words(question)
    held = [stems(f"{s.heading}\n{s.section or s.text}") for s in candidates]
    counts = {w: sum(w in h for h in held) for w in asked}
    rarity = {w: math.log(1 + len(held) / n) if n else 0.0 for w, n in counts.items()}
    total = sum(rarity.values())
    if not total:
        return dict.fromkeys(asked, 1 / len(asked)) if asked else {}
    return {w: r / total for w, r in rarity.items()}


def chosen(ranked: list[Source]) -> list[Source]:
    """The best section, then a step next to it in its file ("2. Install it" → "3. Configure
    and start": a how-to goes on there, not in another file that names the same thing),
    the better ranked of the step after and the step before; else the second best."""
    follow = next((s for s in ranked[1:] if beside(ranked[0], s)), None)
    return [ranked[0], follow] if follow else ranked[:QUOTED]


def beside(best: Source, other: Source) -> bool:
    """``other`` is the step numbered one more or one less than ``best``, under the same
    heading of the same file."""
    number, theirs = step_number(best), step_number(other)
    return (number is not None and theirs is not None and abs(theirs - number) == 1
            and bool(best.section) and bool(other.section) and other.source == best.source
            and parent_heading(other) == parent_heading(best))


def parent_heading(source: Source) -> str:
    return source.heading.rpartition("›")[0].strip()


def step_number(source: Source) -> int | None:
    number = _STEP_NUMBER.match(innermost(source))
    return int(number.group(1)) if number else None


def sections(sources: Sequence[Source], pool: Sequence[Source]) -> list[Source]:
    """One passage per section (the best-scoring one), from the sources and the pool; bare
    chunks (no section known) each stand for themselves."""
    best: dict[tuple[str, str], Source] = {}
    for source in [*sources, *pool]:
        key = section_key(source)
        if key not in best or best[key].score < source.score:
            best[key] = source
    return list(best.values())


def found_passages(passages: Sequence[Source]) -> dict[tuple[str, str], list[str]]:
    """The texts of the passages found in each section: the quote starts at the section's
    opening when the search found that too."""
    found: dict[tuple[str, str], list[str]] = {}
    for passage in passages:
        if passage.section:
            found.setdefault(section_key(passage), []).append(passage.text)
    return found


def section_key(source: Source) -> tuple[str, str]:
    return (source.source, source.heading if source.section else f"{source.heading}\n{source.text}")


def reading_order(quoted: list[Source]) -> list[Source]:
    """Numbered steps of one file ("1. Create the app", "2. Install it") in their order."""
    numbers = [_STEP_NUMBER.match(innermost(s)) for s in quoted]
    if len({s.source for s in quoted}) != 1 or not all(numbers):
        return quoted
    return [s for _, s in sorted(zip([int(m.group(1)) for m in numbers if m], quoted,
                                     strict=True), key=lambda pair: pair[0])]


def quote_block(
    source: Source, before: Sequence[Source], found: Sequence[str] = (),
    ranked: Sequence[str] = (), question: str = "",
) -> str:
    """``[n] file — heading:`` and the quote; "" when a chunk adds nothing new. ``found``:
    the passages of the section the search found (its opening among them: quoted from it);
    ``ranked``: those of them the search ranked, best first (one past the quote is shown);
    ``question``: what was asked (a long table keeps the rows that hold its words)."""
    if source.section.strip():
        quoted = quote_source(source, found=found, ranked=ranked, question=question)
        return f"[{source.n}] {short_label(source)}:\n\n{quoted}"
    text = unseen(source.text, "\n".join(s.text for s in before))
    return f"[{source.n}] {short_label(source)}:\n\n{quote(text)}" if text.strip() else ""


def unseen(text: str, shown: str) -> str:
    """``text`` without its leading lines already quoted (chunks of a section overlap)."""
    seen = {" ".join(line.split()) for line in shown.splitlines()}
    lines = text.strip().splitlines()
    start = 0
    while start < len(lines) and " ".join(lines[start].split()) in seen | {""}:
        start += 1
    return "\n".join(lines[start:])
