"""``bot config check`` for the ``openai`` kind: ``GET /models``, else a one-token question.

Most servers list their models, which tells reachable, key accepted and model known without
spending a token. Some do not: Vertex AI's OpenAI endpoint has no listing, Anthropic's wants
its own headers on it, a provider may lack it. When the listing is refused (HTTP 4xx) and a
model is configured, the check asks that model for one token instead; its answer decides.
Google lists its models as ``models/<id>``; either spelling counts as listed.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from backends.openai_errors import map_error
from backends.probe import ProbeResult
from config.profiles import ProfileSettings
from contracts.llm_errors import LLMAuthError, LLMBadRequest, LLMError


class ProbedBackend(Protocol):
    """What the probe reads of an OpenAI-kind backend (a Protocol: no import back)."""

    profile: str
    model: str
    base_url: str
    client: Any
    settings: ProfileSettings
    has_key: bool

PING = [{"role": "user", "content": "Reply with OK."}]


async def probe_openai(backend: ProbedBackend) -> ProbeResult:
    """Reachable? model listed (or answering)? key accepted? (``None`` where no key is used)."""
    result = ProbeResult(profile=backend.profile, kind="openai", target=backend.base_url,
                         model=backend.model)
    client = backend.client.with_options(timeout=min(10.0, backend.settings.timeout_s))
    started = time.monotonic()
    try:
        result.available_models = [m.id async for m in await client.models.list()]
    except Exception as exc:
        error = map_error(exc, backend.profile, streaming=False)
        if isinstance(error, LLMAuthError | LLMBadRequest) and backend.model:
            return await _ask(backend, client, result, error)
        return _failed_probe(result, error)
    finally:
        result.latency_s = time.monotonic() - started
    result.reachable = True
    result.key_accepted = True if backend.has_key else None  # None: no key was involved
    return _judge_models(result)


async def _ask(backend: ProbedBackend, client: Any, result: ProbeResult,
               listing: LLMError) -> ProbeResult:
    """The listing was refused: one token from the configured model says the rest."""
    try:
        await client.chat.completions.create(model=backend.model, messages=PING, max_tokens=1)
    except Exception as exc:
        error = map_error(exc, backend.profile, streaming=False)
        if isinstance(error, LLMBadRequest):
            result.reachable, result.model_listed = True, False
            result.detail = f"the server refused model {backend.model!r}: {error.detail[:160]}"
            return result
        return _failed_probe(result, error)
    result.reachable, result.model_listed = True, True
    result.key_accepted = True if backend.has_key else None
    key = ", key accepted" if backend.has_key else " (no key used)"
    result.detail = (f"reachable{key}, model {backend.model} answered a one-token question "
                     f"(no model listing: {listing.detail[:80]})")
    return result


def _failed_probe(result: ProbeResult, error: LLMError) -> ProbeResult:
    if isinstance(error, LLMAuthError):
        result.reachable, result.key_accepted = True, False
        result.detail = f"the server rejected the API key ({error.detail[:160]})"
    elif isinstance(error, LLMBadRequest):  # e.g. 404: the server has no /models endpoint
        result.reachable = True
        result.detail = f"reachable, but it does not list its models ({error.detail[:80]})"
    else:
        result.detail = f"not reachable: {error.detail or error.user_message}"
    return result


def listed(model: str, available: list[str]) -> bool:
    """``gemini-2.5-flash`` is listed as itself or as Google's ``models/gemini-2.5-flash``."""
    bare = model.removeprefix("models/")
    return any(m.removeprefix("models/") == bare for m in available)


def _judge_models(result: ProbeResult) -> ProbeResult:
    available = result.available_models
    if not result.model:
        result.model_listed = bool(available) or None
        result.model = available[0] if available else ""
        result.detail = f"no model configured; the server offers {', '.join(available[:5])}"
    elif listed(result.model, available):
        result.model_listed = True
        key = ", key accepted" if result.key_accepted else " (no key used)"
        result.detail = f"reachable{key}, model {result.model} is served"
    elif available:
        result.model_listed = False
        result.detail = (f"model {result.model!r} is not served here; available: "
                         f"{', '.join(available[:8])}")
    else:
        result.detail = "reachable, but it lists no models"
    return result
