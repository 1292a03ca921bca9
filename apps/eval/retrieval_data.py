"""The questions file of ``bot eval retrieval``: questions and the source that answers each.

JSON, either a list of questions or an object ``{"collection": ..., "questions": [...]}``.
Each question names the file that answers it (``source``: a path as citations name it, or
its last parts, e.g. ``"runtime-config-resource.html"``; a list when several files answer),
and optionally a ``heading`` the passage must sit under::

    {"id": "q1", "question": "How much memory may one sort use?",
     "source": "runtime-config-resource.html", "heading": "Memory"}
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator


class DataError(ValueError):
    """A questions file that cannot be used; the message names the problem and the fix."""


class RetrievalQuestion(BaseModel):
    model_config = {"extra": "forbid"}

    id: str = ""
    question: str = Field(min_length=1)
    source: list[str]
    heading: str | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class QuestionSet(BaseModel):
    model_config = {"extra": "forbid"}

    collection: str | None = None
    description: str = ""
    questions: list[RetrievalQuestion]


def load_questions(path: Path) -> QuestionSet:
    """Read and check ``path``; ids default to q1, q2, … in file order."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} is not JSON: {exc}. Fix: see docs/eval.md") from exc
    try:
        data = QuestionSet.model_validate({"questions": raw} if isinstance(raw, list) else raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(
            f"{path}: {where}: {first['msg']}. Fix: each question needs \"question\" and "
            "\"source\" (see docs/eval.md)"
        ) from exc
    if not data.questions:
        raise DataError(f"{path} holds no questions")
    for n, q in enumerate(data.questions, 1):
        q.id = q.id or f"q{n}"
    return data
