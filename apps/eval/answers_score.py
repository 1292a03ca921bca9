"""Scoring one answer of ``bot eval answers`` against its case."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from agents.checked import NOT_COVERED
from agents.extractive import LEAD
from agents.sentences import SentenceSplitter
from agents.support import Evidence, check_sentence
from apps.eval.answers import AnswerCase, Asked
from apps.eval.chat import ExpectationCheck

_SAYS_NOT_COVERED = re.compile(
    r"documents? (?:do(?:es)? not|don't|doesn't) (?:cover|say|mention)|not in the documents|"
    r"no passage", re.I)
_FIXED = re.compile(r"^\(…\)$|^… \(read on")
_QUOTE_HEAD = re.compile(r"^\[\d+\] [^\n]+:$", re.M)  # "[1] slack.md — 2. Install it:"
_SEE_ALSO = re.compile(r"^See also \[.*?(?:\n\n|\Z)", re.M | re.S)
_MARKUP = re.compile(r"[`*]|\[\d{1,2}\]")


class AnswerScore(BaseModel):
    """One question's figures."""

    case_id: str
    answer: str
    error: str | None = None
    source_cited: bool | None = None  # None: the case names no source
    facts_stated: int = 0
    facts_total: int = 0
    facts_by_judge: int = 0  # of those stated, how many the judge role decided
    coverage_right: bool = True  # "not in the documents" said exactly when it should be
    unsupported: list[str] = Field(default_factory=list)
    latency_s: float = 0.0
    cost_usd: float = 0.0
    tokens: int = 0

    @property
    def correct(self) -> bool:
        """Right source, every fact, right about coverage, nothing unsupported, no error."""
        return (self.error is None and self.source_cited is not False and self.coverage_right
                and self.facts_stated == self.facts_total and not self.unsupported)


def said_not_covered(asked: Asked) -> bool:
    """The answer says the documents do not cover the question (or cites nothing)."""
    return asked.answer.startswith(NOT_COVERED.strip()[:40]) or not asked.sources or bool(
        _SAYS_NOT_COVERED.search(asked.answer[:300]))


def cites(asked: Asked, names: list[str]) -> bool:
    """Whether a cited source is one of ``names`` (a file name or a path's end)."""
    return any(s.source.endswith(name) or s.url == name for s in asked.sources for name in names)


def unsupported_sentences(asked: Asked, min_share: float) -> list[str]:
    """Sentences of the answer that no cited passage (or its whole section) supports: not
    quoted from one word for word, and failing the pipeline's own lexical check."""
    if not asked.sources or asked.answer.startswith(NOT_COVERED.strip()[:40]):
        return []
    passages = [f"{s.heading}\n{s.text}\n{s.section}" for s in asked.sources]
    evidence = [Evidence.of(s.model_copy(update={"text": text}))
                for s, text in zip(asked.sources, passages, strict=True)]
    quoted = plain("\n".join(passages))
    splitter = SentenceSplitter()
    text = _QUOTE_HEAD.sub("", _SEE_ALSO.sub("", asked.answer.replace(LEAD, "")))
    bad = []
    for unit in (u.strip() for u in [*splitter.feed(text), *splitter.close()]):
        claim = unit and not _FIXED.match(unit) and len(unit.split()) >= 3
        if claim and plain(unit) not in quoted and not check_sentence(
                unit, evidence, min_share).supported:
            bad.append(unit)
    return bad


def plain(text: str) -> str:
    """Lower case without markup or list marks, one space between words."""
    lines = [re.sub(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+", "", line) for line in text.splitlines()]
    return " ".join(_MARKUP.sub("", "\n".join(lines)).lower().split())


def exact(fact: str, answer: str) -> bool:
    return " ".join(fact.lower().split()) in " ".join(answer.lower().replace("`", "").split())


async def score(case: AnswerCase, asked: Asked, judge: ExpectationCheck | None,
                min_share: float) -> AnswerScore:
    """The case's figures; facts not found word for word go to the judge role (if any)."""
    result = AnswerScore(case_id=case.id, answer=asked.answer, error=asked.error,
                         latency_s=asked.latency_s, cost_usd=asked.cost_usd,
                         tokens=asked.input_tokens + asked.output_tokens,
                         facts_total=len(case.facts) if case.covered else 0)
    not_covered = said_not_covered(asked)
    result.coverage_right = not_covered != case.covered
    if not case.covered:
        return result
    result.source_cited = cites(asked, case.sources) if case.sources else None
    for fact in case.facts:
        if exact(fact, asked.answer):
            result.facts_stated += 1
        elif judge is not None and asked.answer.strip():
            met, _, _ = await judge.check(case.question, asked.answer,
                                          f"The answer states that {fact}")
            result.facts_stated += met
            result.facts_by_judge += met
    result.unsupported = unsupported_sentences(asked, min_share)
    return result
