"""The ``openai`` kind: OpenAI and every OpenAI-compatible server, through ``AsyncOpenAI``.

Retries are ours (:mod:`bot.llm.retry`), so the SDK's are off; each failure is mapped to one
:mod:`bot.llm.errors` class by :func:`bot.llm.openai_errors.map_error`.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

import openai
import structlog

from bot.history import approx_tokens
from bot.llm.errors import LLMError, LLMNotConfigured, LLMStreamCut
from bot.llm.openai_errors import map_error
from bot.llm.openai_wire import finish_reason, wire_message, wire_tool
from bot.llm.probe import ProbeResult
from bot.llm.protocol import (
    FinishChunk,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    UsageChunk,
)
from bot.llm.tool_assembly import ToolCallAssembler
from bot.logging import register_secret
from config.profiles import ProfileSettings

log = structlog.get_logger("bot.llm.openai")
NO_KEY = "no-key-needed"  # loopback servers ignore the key, but the SDK wants one
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def is_loopback(base_url: str | None) -> bool:
    host = urlparse(base_url or "https://api.openai.com/v1").hostname or ""
    return host in _LOOPBACK or host.startswith("127.")


def resolve_api_key(name: str, profile: ProfileSettings) -> str | None:
    """The key from ``api_key``, else from the ``api_key_env`` variable; ``None`` if neither."""
    if profile.api_key is not None and profile.api_key.get_secret_value():
        return profile.api_key.get_secret_value()
    if profile.api_key_env:
        return os.environ.get(profile.api_key_env) or None
    return None


def missing_key_message(name: str, profile: ProfileSettings) -> str:
    where = profile.base_url or "api.openai.com"
    if profile.api_key_env:
        return (f"profiles.{name} ({where}) needs an API key. Fix: set the environment variable "
                f"{profile.api_key_env}, or profiles.{name}.api_key in bot.toml")
    return (f"profiles.{name} ({where}) needs an API key. Fix: set profiles.{name}.api_key_env "
            f"to the name of an environment variable holding it, or profiles.{name}.api_key")


class OpenAIBackend:
    """Streams chat completions with usage and tool calls from an OpenAI-compatible server."""

    def __init__(self, name: str, profile: ProfileSettings, client: Any) -> None:
        self.profile = name
        self.settings = profile
        self.model = profile.model
        self.price_in = profile.price_in
        self.price_out = profile.price_out
        self.base_url = profile.base_url or "https://api.openai.com/v1"
        self.client = client

    @classmethod
    def from_profile(cls, name: str, profile: ProfileSettings) -> OpenAIBackend:
        """Build from config; a remote server with no key raises :class:`LLMNotConfigured`."""
        key = resolve_api_key(name, profile)
        if key is None and not is_loopback(profile.base_url):
            raise LLMNotConfigured(missing_key_message(name, profile), profile=name)
        register_secret(key)
        client = openai.AsyncOpenAI(
            base_url=profile.base_url, api_key=key or NO_KEY, max_retries=0,
            timeout=profile.timeout_s,
        )
        return cls(name, profile, client)

    def count_tokens(self, text: str) -> int:
        """Approximate (about four characters a token): enough for trimming history."""
        return approx_tokens(text)

    async def aclose(self) -> None:
        await self.client.close()

    def _arguments(self, request: LLMRequest, model: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": model, "messages": [wire_message(m) for m in request.messages],
            "stream": True, "stream_options": {"include_usage": True},
        }
        if request.tools:
            kwargs["tools"] = [wire_tool(t) for t in request.tools]
        temperature = request.temperature if request.temperature is not None \
            else self.settings.temperature
        if temperature is not None:
            kwargs["temperature"] = temperature
        if (max_tokens := request.max_tokens or self.settings.max_tokens) is not None:
            kwargs["max_tokens"] = max_tokens
        return kwargs

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMChunk]:
        """Text as it arrives, then assembled tool calls, usage and the finish reason.

        Closing this generator early closes the HTTP response (a Stop button relies on it).
        """
        model = await self.served_model()
        try:
            response = await self.client.chat.completions.create(**self._arguments(request, model))
        except Exception as exc:
            raise map_error(exc, self.profile, streaming=False) from exc
        shown = False
        try:
            async for chunk in self._read(response, request):
                shown = shown or isinstance(chunk, TextChunk)
                yield chunk
        except LLMError as exc:
            exc.text_shown = shown  # type: ignore[attr-defined]
            raise
        except Exception as exc:
            error = map_error(exc, self.profile, streaming=True)
            error.text_shown = shown  # type: ignore[attr-defined]
            raise error from exc
        finally:
            await response.close()

    async def _read(self, response: Any, request: LLMRequest) -> AsyncIterator[LLMChunk]:
        calls = ToolCallAssembler()
        usage: tuple[int, int] | None = None
        raw_finish: str | None = None
        text = ""
        async for chunk in response:
            if getattr(chunk, "usage", None) is not None:
                usage = (chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
            for choice in chunk.choices or []:
                delta = choice.delta
                if delta is not None and delta.content:
                    text += delta.content
                    yield TextChunk(text=delta.content)
                for piece in (delta.tool_calls if delta is not None else None) or []:
                    calls.add(piece)
                raw_finish = choice.finish_reason or raw_finish
        if raw_finish is None:
            raise LLMStreamCut(f"stream from {self.profile} ended without a finish reason",
                               profile=self.profile)
        for call in calls.calls():
            yield ToolCallChunk(call=call)
        yield self._usage(usage, request, text, calls)
        yield FinishChunk(reason=finish_reason(raw_finish, bool(calls)))

    def _usage(self, usage: tuple[int, int] | None, request: LLMRequest, text: str,
               calls: ToolCallAssembler) -> UsageChunk:
        """The server's usage; estimated when it sent none (some servers ignore the option)."""
        if usage is not None:
            return UsageChunk(input_tokens=usage[0], output_tokens=usage[1])
        prompt = sum(self.count_tokens(m.content) + 4 for m in request.messages)
        produced = text + "".join(c.name + c.arguments for c in calls.calls())
        return UsageChunk(input_tokens=prompt, output_tokens=self.count_tokens(produced))

    async def served_model(self) -> str:
        """The configured model; with none configured, the first one the server lists."""
        if self.model:
            return self.model
        try:
            listed = [m.id async for m in self.client.models.list()]
        except Exception as exc:
            raise map_error(exc, self.profile, streaming=False) from exc
        if not listed:
            raise LLMNotConfigured(
                f"profiles.{self.profile}.model is empty and {self.base_url} lists no model. "
                f"Fix: set profiles.{self.profile}.model", profile=self.profile)
        self.model = listed[0]
        log.info("model_discovered", profile=self.profile, model=self.model)
        return self.model

    async def probe(self) -> ProbeResult:
        """Reachable? model listed in ``/v1/models``? key accepted? One request, no tokens spent."""
        result = ProbeResult(profile=self.profile, kind="openai", target=self.base_url,
                             model=self.model)
        started = time.monotonic()
        try:
            page = await self.client.with_options(timeout=min(10.0, self.settings.timeout_s)) \
                .models.list()
            result.available_models = [m.id async for m in page]
        except Exception as exc:
            return _failed_probe(result, map_error(exc, self.profile, streaming=False))
        finally:
            result.latency_s = time.monotonic() - started
        result.reachable, result.key_accepted = True, True
        return _judge_models(result)


def _failed_probe(result: ProbeResult, error: LLMError) -> ProbeResult:
    from bot.llm.errors import LLMAuthError, LLMBadRequest

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
        result.detail = f"reachable, key accepted, model {result.model} is served"
    elif available:
        result.model_listed = False
        result.detail = (f"model {result.model!r} is not served here; available: "
                         f"{', '.join(available[:8])}")
    else:
        result.detail = "reachable, but it lists no models"
    return result
