"""``bot config check`` for the ``openai`` kind: one ``GET /models``, no tokens spent."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.contracts.llm_errors import LLMAuthError, LLMBadRequest, LLMError
from bot.llm.openai_errors import map_error
from bot.llm.probe import ProbeResult

if TYPE_CHECKING:
    from bot.llm.openai_backend import OpenAIBackend


async def probe_openai(backend: OpenAIBackend) -> ProbeResult:
    """Reachable? model listed? key accepted? (``None`` where a keyless server can't tell)."""
    result = ProbeResult(profile=backend.profile, kind="openai", target=backend.base_url,
                         model=backend.model)
    client = backend.client.with_options(timeout=min(10.0, backend.settings.timeout_s))
    started = time.monotonic()
    try:
        result.available_models = [m.id async for m in await client.models.list()]
    except Exception as exc:
        return _failed_probe(result, map_error(exc, backend.profile, streaming=False))
    finally:
        result.latency_s = time.monotonic() - started
    result.reachable = True
    result.key_accepted = True if backend.has_key else None  # None: no key was involved
    return _judge_models(result)


def _failed_probe(result: ProbeResult, error: LLMError) -> ProbeResult:
    if isinstance(error, LLMAuthError):
        result.reachable, result.key_accepted = True, False
        result.detail = "the server rejected the API key (HTTP 401/403)"
    elif isinstance(error, LLMBadRequest):  # e.g. 404: the server has no /models endpoint
        result.reachable = True
        result.detail = f"reachable, but it does not list its models ({error.detail[:80]})"
    else:
        result.detail = f"not reachable: {error.detail or error.user_message}"
    return result


def _judge_models(result: ProbeResult) -> ProbeResult:
    available = result.available_models
    if not result.model:
        result.model_listed = bool(available) or None
        result.model = available[0] if available else ""
        result.detail = f"no model configured; the server offers {', '.join(available[:5])}"
    elif result.model in available:
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
