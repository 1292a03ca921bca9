"""The embedded backend: llama-cpp-python in this process, no key and no server.

One model instance is not re-entrant, so requests queue for it (first come, first served).
Generation runs in a worker thread and streams tokens back through an asyncio queue; closing
the stream stops generation at the next token.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import structlog

from bot.contracts.llm import LLMChunk, LLMRequest, UsageChunk
from bot.contracts.llm_errors import LLMNotConfigured, LLMTimeout
from bot.llm.llamacpp_convert import chunks_from_stream, to_llama_messages, to_llama_tools
from bot.llm.model_files import ModelFileMissing, default_gguf
from bot.llm.probe import ProbeResult
from config.profiles import ProfileSettings

log = structlog.get_logger("bot.llm.llamacpp")
_END = object()
_HALF_TOOL_CALL = re.compile(r"\s*functions\.([\w-]+):?\s*")
TOOL_CHAT_FORMAT = "chatml-function-calling"


class LlamaCppBackend:
    """An LLM backed by one in-process ``llama_cpp.Llama``; loaded on first use."""

    def __init__(self, profile: str, settings: ProfileSettings, model_path: Path) -> None:
        self.profile = profile
        self.model = settings.model or model_path.stem
        self.price_in = settings.price_in
        self.price_out = settings.price_out
        self.settings = settings
        self.model_path = model_path
        self._llama: Any = None
        self._queue = asyncio.Lock()
        self._load_lock = threading.Lock()

    @classmethod
    def from_profile(cls, name: str, profile: ProfileSettings) -> LlamaCppBackend:
        try:
            path = Path(profile.model_path).expanduser() if profile.model_path else default_gguf()
        except ModelFileMissing as exc:
            raise LLMNotConfigured(str(exc), profile=name) from exc
        if not path.is_file():
            raise LLMNotConfigured(
                f"profiles.{name}.model_path = {str(path)!r} is not a file. "
                "Fix: point it at a .gguf model file", profile=name)
        return cls(name, profile, path)

    def _load(self) -> Any:
        with self._load_lock:
            if self._llama is None:
                from llama_cpp import Llama

                log.info("loading_model", path=str(self.model_path))
                self._llama = Llama(
                    model_path=str(self.model_path), n_ctx=self.settings.n_ctx,
                    n_threads=self.settings.n_threads, verbose=False,
                    chat_format=self.settings.chat_format,
                )
            return self._llama

    async def probe(self) -> ProbeResult:
        """Does the model file load? (The embedded model has no server, key or model list.)"""
        started = time.monotonic()
        result = ProbeResult(profile=self.profile, kind="llamacpp", target=str(self.model_path),
                             model=self.model)
        try:
            await asyncio.to_thread(self._load)
        except Exception as exc:  # a corrupt or foreign file: say so, do not crash
            result.detail = f"the model file does not load: {exc}"
            return result
        result.reachable = result.model_listed = True
        result.latency_s = time.monotonic() - started
        result.detail = f"model file loads ({self.model_path.stat().st_size // 1_000_000} MB)"
        return result

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False))

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        async with self._queue:
            llama = await asyncio.to_thread(self._load)
            prompt_tokens = await asyncio.to_thread(self._prompt_tokens, request)
            completion = 0
            async for piece in self._generate(llama, request):
                for chunk in chunks_from_stream(piece):
                    if chunk.kind == "text":
                        completion += 1
                    yield chunk
            yield UsageChunk(input_tokens=prompt_tokens, output_tokens=completion)

    def _prompt_tokens(self, request: LLMRequest) -> int:
        return sum(self.count_tokens(m.content) + 4 for m in request.messages)

    async def _generate(self, llama: Any, request: LLMRequest) -> AsyncIterator[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                for part in self._completion(llama, request):
                    if stop.is_set():
                        break
                    loop.call_soon_threadsafe(queue.put_nowait, part)
            except Exception as exc:  # surfaced in the consumer, with its type
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            loop.call_soon_threadsafe(queue.put_nowait, _END)

        worker = loop.run_in_executor(None, produce)
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                while (part := await queue.get()) is not _END:
                    if isinstance(part, Exception):
                        raise part
                    yield part
        except TimeoutError as exc:
            limit = self.settings.timeout_s
            raise LLMTimeout(f"no answer within {limit}s", profile=self.profile) from exc
        finally:
            stop.set()
            await asyncio.shield(worker)

    def _completion(self, llama: Any, request: LLMRequest) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "messages": to_llama_messages(request.messages),
            "temperature": request.temperature if request.temperature is not None
            else (self.settings.temperature if self.settings.temperature is not None else 0.2),
            "max_tokens": request.max_tokens or self.settings.max_tokens,
            "repeat_penalty": self.settings.repeat_penalty,
            "stream": True,
        }
        if not request.tools:
            return llama.create_chat_completion(**kwargs)  # type: ignore[no-any-return]
        from llama_cpp.llama_chat_format import get_chat_completion_handler

        handler = get_chat_completion_handler(TOOL_CHAT_FORMAT)
        kwargs.update(stream=False, llama=llama, tools=to_llama_tools(request.tools))
        result: Any = handler(tool_choice="auto", **kwargs)  # grammar-constrained: whole reply
        chosen = chosen_tool(result, {t.name for t in request.tools})
        if chosen is not None:
            # This handler version stops after "functions.NAME:" without the arguments;
            # asking again with that tool forced makes it write them (JSON-schema grammar).
            forced: Any = {"type": "function", "function": {"name": chosen}}
            result = handler(tool_choice=forced, **kwargs)
        return iter([result])

    async def aclose(self) -> None:
        llama, self._llama = self._llama, None
        if llama is not None:
            await asyncio.to_thread(llama.close)


def chosen_tool(result: dict[str, Any], names: set[str]) -> str | None:
    """The tool a reply named without calling it ("functions.calculator:"), if any."""
    message = result["choices"][0].get("message") or {}
    if message.get("tool_calls"):
        return None
    match = _HALF_TOOL_CALL.fullmatch(message.get("content") or "")
    return match.group(1) if match and match.group(1) in names else None
