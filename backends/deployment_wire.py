"""What travels between a replica and a model deployment: plain dicts, one per chunk.

The model side (:func:`serve_stream`) turns a backend's chunks and its :class:`LLMError`
into dicts; the replica side (:func:`chunk_from`) turns them back. A failure crosses as data,
not as a pickled exception, so the replica raises the same error class, with the same
polite message, that the backend raised.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pydantic import TypeAdapter

from contracts import llm_errors
from contracts.llm import LLM, LLMChunk, LLMRequest
from contracts.llm_errors import LLMError, LLMServerError

_CHUNK: TypeAdapter[LLMChunk] = TypeAdapter(LLMChunk)
ERROR_FIELDS = ("cause", "fix", "retry_after", "status")


async def serve_stream(llm: LLM, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    """Run ``request`` on ``llm``: its chunks as dicts, a failure as a last ``error`` dict."""
    try:
        async for chunk in llm.stream(LLMRequest.model_validate(request)):
            yield chunk.model_dump(mode="json")
    except LLMError as exc:
        yield error_dict(exc)


def error_dict(exc: LLMError) -> dict[str, Any]:
    extra = {name: getattr(exc, name) for name in ERROR_FIELDS if hasattr(exc, name)}
    return {"kind": "error", "type": type(exc).__name__, "detail": exc.detail, **extra}


def chunk_from(item: dict[str, Any], profile: str) -> LLMChunk:
    """One chunk back from its dict; raises the error an ``error`` dict carries."""
    if item.get("kind") == "error":
        raise error_from(item, profile)
    return _CHUNK.validate_python(item)


def error_from(item: dict[str, Any], profile: str) -> LLMError:
    cls = getattr(llm_errors, str(item.get("type")), None)
    if not (isinstance(cls, type) and issubclass(cls, LLMError)):
        return LLMServerError(str(item.get("detail") or "the model deployment failed"),
                              profile=profile)
    error = cls(str(item.get("detail") or ""), profile=profile)
    for name in ERROR_FIELDS:  # the class's own extras (a crash's cause and fix)
        if name in item and hasattr(error, name):
            setattr(error, name, item[name])
    return error
