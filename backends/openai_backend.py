"""The ``openai`` kind: OpenAI and every OpenAI-compatible server, through ``AsyncOpenAI``.

The client comes from :func:`backends.openai_client.openai_client` (retries are ours,
:mod:`backends.retry`, so the SDK's are off); each failure is mapped to one
:mod:`contracts.llm_errors` class by :func:`backends.openai_errors.map_error`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import structlog

from backends.answer_shapes import forced_tool_as_text, openai_shape_arguments
from backends.api_keys import resolve_api_key
from backends.endpoints import OPENAI_URL, resolve_base_url
from backends.openai_client import openai_client
from backends.openai_errors import map_error
from backends.openai_probe import probe_openai
from backends.openai_wire import (
    finish_reason,
    reply_mode,
    whole_answer,
    wire_message,
    wire_tool,
    wire_usage,
)
from backends.probe import ProbeResult
from backends.tool_assembly import ToolCallAssembler
from config.profiles import ProfileSettings
from contracts.llm import (
    FinishChunk,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    UsageChunk,
    approx_tokens,
)
from contracts.llm_errors import LLMError, LLMNotConfigured, LLMStreamCut

log = structlog.get_logger("bot.llm.openai")


class OpenAIBackend:
    """Streams chat completions with usage and tool calls from an OpenAI-compatible server."""

    def __init__(
        self, name: str, profile: ProfileSettings, client: Any, *, has_key: bool = True,
        base_url: str | None = None,
    ) -> None:
        self.profile = name
        self.settings = profile
        self.model = profile.model
        self.price_in = profile.price_in
        self.price_out = profile.price_out
        self.base_url = base_url or profile.base_url or OPENAI_URL
        self.client = client
        self.has_key = has_key

    @classmethod
    def from_profile(cls, name: str, profile: ProfileSettings) -> OpenAIBackend:
        """Build from config; a hosted API with no key raises :class:`LLMNotConfigured`."""
        client = openai_client(name, profile)
        return cls(name, profile, client, has_key=resolve_api_key(name, profile) is not None,
                   base_url=resolve_base_url(name, profile))

    def count_tokens(self, text: str) -> int:
        """Approximate (about four characters a token): enough for trimming history."""
        return approx_tokens(text)

    async def aclose(self) -> None:
        await self.client.close()

    def _arguments(self, request: LLMRequest, model: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": model, "messages": [wire_message(m) for m in request.messages],
            **reply_mode(request.whole),
        }
        if request.tools:
            kwargs["tools"] = [wire_tool(t) for t in request.tools]
        temperature = request.temperature if request.temperature is not None \
            else self.settings.temperature
        if temperature is not None:
            kwargs["temperature"] = temperature
        if (max_tokens := request.max_tokens or self.settings.max_tokens) is not None:
            kwargs["max_tokens"] = max_tokens
        if request.answer_shape is not None and not request.tools:
            kwargs.update(openai_shape_arguments(request.answer_shape, self.settings.fixed_shape))
        return kwargs

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        """Text as it arrives, then assembled tool calls, usage and the finish reason; with
        ``request.whole``, the same chunks from one non-streamed call.

        Closing this generator early closes the HTTP response (a Stop button relies on it).
        """
        model = await self.served_model()
        try:
            response = await self._post(self._arguments(request, model), request.whole)
        except Exception as exc:
            raise map_error(exc, self.profile, streaming=False) from exc
        shown = False
        try:
            async for chunk in self._chunks(response, request):
                shown = shown or isinstance(chunk, TextChunk)
                yield chunk
        except LLMError as exc:
            exc.text_shown = shown
            raise
        except Exception as exc:
            error = map_error(exc, self.profile, streaming=True)
            error.text_shown = shown
            raise error from exc
        finally:
            if not request.whole:  # a whole answer was read to its end by the SDK
                await response.close()

    def _chunks(self, response: Any, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        """The reply's chunks, read from a stream or from one whole answer."""
        if request.whole:
            chunks = self._read_whole(response, request)
        else:
            chunks = self._read(response, request)
        if request.answer_shape is not None and self.settings.fixed_shape == "tool":
            chunks = forced_tool_as_text(chunks, request.answer_shape)
        return chunks

    async def _post(self, body: dict[str, Any], whole: bool = False) -> Any:
        """``chat.completions.create`` less two costs that buy us nothing: its request
        transform walks every message and tool schema against the SDK's TypedDicts (~0.35 ms
        a turn) to rename aliased keys, which our wire dicts (:mod:`backends.openai_wire`)
        have none of; and the answer comes as plain JSON, not built into ``ChatCompletion``
        or ``ChatCompletionChunk`` models (~0.1 ms a chunk, more than all our own work on
        it). ``cast_to=object`` (and ``AsyncStream[object]``, not ``[dict[str, Any]]``): the
        SDK hands an ``object`` over as parsed, where a ``dict`` is walked key by key to
        coerce it (~15 µs a chunk). Errors, status codes and the SSE reader stay the SDK's."""
        from openai import AsyncStream

        if whole:
            return await self.client.post("/chat/completions", body=body, cast_to=object)
        return await self.client.post(
            "/chat/completions", body=body, cast_to=object, stream=True,
            stream_cls=AsyncStream[object])

    async def _read(self, response: Any, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        calls = ToolCallAssembler()
        usage: tuple[int, int] | None = None
        raw_finish: str | None = None
        text = ""
        async for chunk in response:  # plain JSON objects (see _post)
            if isinstance(reported := chunk.get("usage"), dict):
                usage = wire_usage(reported)
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                if content := delta.get("content"):
                    text += content
                    yield TextChunk(text=content)
                for piece in delta.get("tool_calls") or []:
                    calls.add(piece)
                raw_finish = choice.get("finish_reason") or raw_finish
        if raw_finish is None:
            raise LLMStreamCut(f"stream from {self.profile} ended without a finish reason",
                               profile=self.profile)
        for chunk in self._ending(request, text, calls, usage, raw_finish):
            yield chunk

    async def _read_whole(self, answer: Any, request: LLMRequest
                          ) -> AsyncGenerator[LLMChunk, None]:
        """One whole answer (plain JSON, see _post) as the chunks its stream would have been:
        the text in one piece, then the calls, usage and finish reason."""
        message, raw_finish, usage = whole_answer(answer, self.profile)
        calls = ToolCallAssembler()
        for call in message.get("tool_calls") or []:
            calls.add(call)
        if text := message.get("content") or "":
            yield TextChunk(text=text)
        for chunk in self._ending(request, text, calls, usage, raw_finish):
            yield chunk

    def _ending(self, request: LLMRequest, text: str, calls: ToolCallAssembler,
                usage: tuple[int, int] | None, raw_finish: str | None) -> list[LLMChunk]:
        """What follows the text of a reply: its tool calls, usage and finish reason."""
        ending: list[LLMChunk] = [ToolCallChunk(call=call) for call in calls.calls()]
        ending.append(self._usage(usage, request, text, calls))
        ending.append(FinishChunk(reason=finish_reason(raw_finish, bool(calls))))
        return ending

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
        return await probe_openai(self)
