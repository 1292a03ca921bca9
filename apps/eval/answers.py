"""``bot eval answers``: a team's own end-to-end check of its configuration on its documents.

Each case is a question with what a right answer has: the source file(s) it should cite and
the fact(s) it should state — or ``"covered": false`` when the documents do not cover it
and the bot should say so. The question is asked through exactly the graph the presenters
use, and the answer is scored (apps/eval/answers_score.py): gold source cited, each fact
stated (exact match first, the judge role where the wording differs), "not in the
documents" said when right, sentences no cited passage supports, latency and cost.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from pydantic import BaseModel, Field

from apps.eval.data import DataError, item_ids, read_objects
from bot.app import Bot
from contracts.events import Error, Source, Sources, TextDelta, Usage


class AnswerCase(BaseModel):
    """One question and what its answer should hold."""

    id: str
    question: str
    sources: list[str] = Field(default_factory=list, description="file names a right answer cites")
    facts: list[str] = Field(default_factory=list, description="what a right answer states")
    covered: bool = True  # False: the documents do not cover it; the bot should say so


class Asked(BaseModel):
    """What the bot did with one question."""

    answer: str = ""
    sources: list[Source] = Field(default_factory=list)
    error: str | None = None
    latency_s: float = 0.0
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def load_answer_cases(path: Any, limit: int | None = None) -> list[AnswerCase]:
    """Cases from JSON/JSONL: ``question``, ``sources``, ``facts``, ``covered``."""
    objects = read_objects(path)[:limit]
    ids = item_ids([str(o.get("id", f"q-{n}")) for n, o in enumerate(objects, 1)])
    cases = []
    for number, (case_id, obj) in enumerate(zip(ids, objects, strict=True), 1):
        question = str(obj.get("question") or "").strip()
        covered = bool(obj.get("covered", True))
        if not question:
            raise DataError(f"{path}: question {number} has no 'question'. Fix: add "
                            '"question": "..." to it')
        if covered and not (obj.get("sources") or obj.get("facts")):
            raise DataError(f"{path}: question {number} ({case_id}) names no 'sources' or "
                            "'facts'. Fix: add the file that answers it (\"sources\": "
                            "[\"slack.md\"]), a fact, or \"covered\": false")
        cases.append(AnswerCase(id=case_id, question=question, covered=covered,
                                sources=_strings(obj.get("sources")),
                                facts=_strings(obj.get("facts"))))
    if not cases:
        raise DataError(f"{path}: no questions")
    return cases


async def ask(bot: Bot, question: str, run_id: str, case_id: str,
              user: str = "eval") -> Asked:
    """Ask ``question`` in a fresh session; what was answered, cited, spent and how long.
    The answer is the text the bot wrote, without its notices (a note quoting a passage
    under a weakly grounded answer is not the answer stating a fact)."""
    asked = Asked()
    started = time.monotonic()
    async for event in bot.session(f"eval-answers:{run_id}:{case_id}").send(question, user=user):
        if isinstance(event, Error):
            asked.error = f"{event.message}"
        elif isinstance(event, Sources):
            asked.sources = list(event.sources)
        elif isinstance(event, Usage):
            asked.input_tokens += event.input_tokens
            asked.output_tokens += event.output_tokens
            asked.cost_usd += event.cost_usd
        elif isinstance(event, TextDelta):
            asked.answer += event.text
    asked.latency_s = round(time.monotonic() - started, 3)
    return asked


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]
