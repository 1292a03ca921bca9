"""Every way an OpenAI-compatible call fails, mapped to one :mod:`contracts.llm_errors` class.

The SDK's own retries are off (``max_retries=0``), so each failure arrives here once and
:mod:`backends.retry` decides what happens next.
"""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any

import openai

from contracts.llm_errors import (
    LLMAuthError,
    LLMBadRequest,
    LLMBadResponse,
    LLMConnectionError,
    LLMError,
    LLMRateLimited,
    LLMServerError,
    LLMStreamCut,
    LLMTimeout,
)

# Raised while reading a chunk the SDK could not make sense of (bad JSON, wrong shape).
_MALFORMED = (json.JSONDecodeError, ValueError, KeyError, AttributeError, TypeError, IndexError)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """httpx's (and the SDK's httpx2 fork's) transport errors, whichever are installed."""
    found: list[type[BaseException]] = []
    for module_name in ("httpx", "httpx2"):
        try:
            module = __import__(module_name)
        except ImportError:
            continue
        found.append(module.TransportError)
    return tuple(found)


def _timeout_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = []
    for module_name in ("httpx", "httpx2"):
        try:
            found.append(__import__(module_name).TimeoutException)
        except ImportError:
            continue
    return tuple(found)


TRANSPORT_ERRORS = _transport_errors()
TIMEOUT_ERRORS = _timeout_errors()


def retry_after_s(headers: Any) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, ``retry-after`` (s or date)."""
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def provider_message(body: Any) -> str | None:
    """The sentence inside a provider's error body, whatever its shape: OpenAI's and
    Anthropic's ``{"error": {"message"}}``, Google's ``[{"error": {...}}]``, TGI's and Hugging
    Face's ``{"error": "..."}``, Cohere's ``{"message": "..."}``."""
    if isinstance(body, list):
        return provider_message(body[0]) if body else None
    if isinstance(body, str):
        return body or None
    if isinstance(body, dict):
        if (inner := provider_message(body.get("error"))) is not None:
            return inner
        message = body.get("message")
        return message if isinstance(message, str) and message else None
    return None


def _rejected_key(status: int, body: Any) -> bool:
    """Google answers a bad API key with HTTP 400 (reason ``API_KEY_INVALID``), not 401."""
    return status in (401, 403) or (
        status == 400 and "API_KEY_INVALID" in json.dumps(body, default=str))


def _from_status(exc: openai.APIStatusError, profile: str) -> LLMError:
    status = exc.status_code
    said = provider_message(exc.body) or str(exc.message)
    detail = f"HTTP {status} from {profile}: {said[:300]}"
    if _rejected_key(status, exc.body):
        return LLMAuthError(detail, profile=profile)
    if status == 429:
        wait = retry_after_s(exc.response.headers)
        return LLMRateLimited(detail, profile=profile, retry_after=wait)
    if status == 408:
        return LLMTimeout(detail, profile=profile)
    if status == 409 or status >= 500:  # 409: OpenAI's "conflict, try again" is transient
        return LLMServerError(detail, profile=profile, status=status)
    return LLMBadRequest(detail, profile=profile)


def map_error(exc: BaseException, profile: str, *, streaming: bool) -> LLMError:
    """The one :class:`LLMError` for ``exc``; ``streaming``: the response had begun."""
    if isinstance(exc, LLMError):
        return exc
    name = type(exc).__name__
    if isinstance(exc, openai.APIStatusError):
        return _from_status(exc, profile)
    if isinstance(exc, (openai.APITimeoutError, *TIMEOUT_ERRORS)):
        return LLMTimeout(f"{name} from {profile}", profile=profile)
    if isinstance(exc, (openai.APIConnectionError, *TRANSPORT_ERRORS)):
        cause = type(exc.__cause__).__name__ if exc.__cause__ else name
        if streaming:
            return LLMStreamCut(f"stream from {profile} broke ({cause})", profile=profile)
        return LLMConnectionError(f"cannot reach {profile} ({cause})", profile=profile)
    if isinstance(exc, openai.APIError):  # an SSE error event inside a 200 stream
        return LLMBadResponse(f"{profile} sent an error event: {str(exc)[:300]}", profile=profile)
    if isinstance(exc, _MALFORMED):
        return LLMBadResponse(f"unreadable chunk from {profile} ({name})", profile=profile)
    return LLMBadResponse(f"unexpected failure talking to {profile} ({name})", profile=profile)
