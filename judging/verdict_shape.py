"""Verdicts in a fixed shape: ask for ``{"label": <one of the labels>}``, read it back.

Murphy's law is cheaper to prevent than to parse: a backend that can constrain its answer
(JSON schema, a grammar, a forced tool call: see ``fixed_shape`` on the profile) can only
write one of the allowed labels. A backend that cannot answers in free text, which the
rules (:mod:`judging.label_rules`) and then the extractor model read as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import structlog

from contracts.llm import AnswerShape, Completion, LLMRequest
from contracts.llm_errors import LLMBadRequest
from contracts.run_context import Completer

FIELD = "label"
log = structlog.get_logger("judging.verdict_shape")
_FENCED = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)


def label_shape(labels: Sequence[str], name: str = "verdict") -> AnswerShape:
    """A JSON object with one field, ``label``, that must be one of ``labels``."""
    schema = {"type": "object", "properties": {FIELD: {"type": "string", "enum": list(labels)}},
              "required": [FIELD], "additionalProperties": False}
    return AnswerShape(name=name, json_schema=schema)


def shaped_label(text: str, labels: Sequence[str]) -> str | None:
    """The label of a reply in the fixed shape; None when the reply is not in it."""
    raw = text.strip()
    if fenced := _FENCED.match(raw):  # a model asked for JSON without a grammar fences it
        raw = fenced.group(1)
    if not raw.startswith("{"):
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    label = data.get(FIELD) if isinstance(data, dict) else None
    if not isinstance(label, str):
        return None
    allowed = {str(x).strip().lower(): x for x in labels}
    return allowed.get(label.strip().lower())


async def complete_shaped(llm: Completer, role: str, request: LLMRequest) -> Completion:
    """``request`` as asked; a server that refuses its ``answer_shape`` (HTTP 400/422) is
    asked once more in free text, so a wrong ``fixed_shape`` costs a call, not the verdict."""
    try:
        return await llm.complete(role, request)
    except LLMBadRequest as exc:
        if request.answer_shape is None:
            raise
        log.warning("fixed_shape_refused", role=role, error=str(exc)[:200],
                    fix="set fixed_shape on the profile to json_object, tool or none")
        return await llm.complete(role, request.model_copy(update={"answer_shape": None}))
