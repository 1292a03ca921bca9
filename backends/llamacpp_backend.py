"""The embedded backend: llama-cpp-python in a supervised worker process, no key, no server.

The model runs in a child process (:mod:`backends.llamacpp_worker`), so a native crash
(SIGILL on a CPU the build does not suit, SIGSEGV on a bad file, the OOM killer) ends that
process, not the bot: the turn fails politely, the cause and its fix are logged, and the next
request starts a fresh worker. A worker that dies ``CRASH_LIMIT`` times within
``CRASH_WINDOW_S`` is left alone for the profile's ``cooldown_s`` so that fallbacks answer.

One model instance is not re-entrant, so requests queue for it (first come, first served).
Tokens stream one by one through the worker's pipe; closing the stream cancels generation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import structlog

from backends.answer_shapes import llama_response_format
from backends.llamacpp_convert import to_llama_messages, to_llama_tools, worker_chunks
from backends.model_files import ModelFileMissing, default_gguf, gguf_problem
from backends.probe import ProbeResult
from backends.worker_crash import explain
from backends.worker_process import WorkerDied, WorkerFailed, WorkerProcess, WorkerStalled
from config.profiles import ProfileSettings
from contracts.llm import LLMChunk, LLMRequest, TextChunk, UsageChunk
from contracts.llm_errors import (
    LLMBadRequest,
    LLMNotConfigured,
    LLMTimeout,
    LLMWorkerCrashed,
    LLMWorkerStalled,
)
from contracts.messages import ChatMessage

log = structlog.get_logger("bot.llm.llamacpp")
CRASH_LIMIT = 2
CRASH_WINDOW_S = 300.0


class LlamaCppBackend:
    """An LLM backed by llama.cpp in one worker process, started on first use."""

    def __init__(self, profile: str, settings: ProfileSettings, model_path: Path) -> None:
        self.profile = profile
        self.model = settings.model or model_path.stem
        self.price_in = settings.price_in
        self.price_out = settings.price_out
        self.settings = settings
        self.model_path = model_path
        self._worker: WorkerProcess | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Lock | None = None
        self._crashes: list[float] = []

    @classmethod
    def from_profile(cls, name: str, profile: ProfileSettings) -> LlamaCppBackend:
        key = f"profiles.{name}.model_path"
        try:
            path = Path(profile.model_path).expanduser() if profile.model_path else default_gguf()
        except ModelFileMissing as exc:
            raise LLMNotConfigured(str(exc), profile=name) from exc
        problem = gguf_problem(path, key)
        if problem is not None:
            raise LLMNotConfigured(problem, profile=name)
        return cls(name, profile, path)

    @property
    def worker_pid(self) -> int | None:
        """The running worker's process id (None before the first request or after a crash)."""
        return self._worker.pid if self._worker is not None else None

    def _load_config(self) -> dict[str, Any]:
        s = self.settings
        return {"model_path": str(self.model_path), "n_ctx": s.n_ctx, "n_threads": s.n_threads,
                "chat_format": s.chat_format}

    def _wire(self, request: LLMRequest) -> dict[str, Any]:
        s = self.settings
        temperature = request.temperature if request.temperature is not None else s.temperature
        wire: dict[str, Any] = {
            "messages": to_llama_messages(request.messages),
            "tools": to_llama_tools(request.tools) if request.tools else [],
            "temperature": 0.2 if temperature is None else temperature,
            "max_tokens": request.max_tokens or s.max_tokens, "repeat_penalty": s.repeat_penalty}
        if request.answer_shape is not None and s.fixed_shape != "none":
            wire["response_format"] = llama_response_format(request.answer_shape)  # a grammar
        return wire

    def _lock(self) -> asyncio.Lock:
        """The request queue; a worker's pipes belong to the loop that started it."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._worker is not None:
                self._worker.kill()  # its pipes belong to a loop that is gone
            self._worker, self._loop, self._queue = None, loop, asyncio.Lock()
        assert self._queue is not None
        return self._queue

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        async with self._lock():
            self._refuse_while_cooling()
            worker = await self._running_worker()
            produced, prompt = 0, 0
            try:
                async with asyncio.timeout(self.settings.timeout_s):
                    async for message in self._messages(worker, request):
                        if "end" in message:
                            prompt = int(message["end"]["input_tokens"])
                            continue
                        for chunk in worker_chunks(message):
                            produced += isinstance(chunk, TextChunk)
                            yield chunk
            except TimeoutError:
                raise LLMTimeout(f"no answer within {self.settings.timeout_s}s",
                                 profile=self.profile) from None
            yield UsageChunk(input_tokens=prompt, output_tokens=produced)

    async def _messages(self, worker: WorkerProcess, request: LLMRequest
                        ) -> AsyncGenerator[dict[str, Any], None]:
        """The worker's messages; its death, silence or error become one LLMError each."""
        try:
            s = self.settings
            async for message in worker.generate(self._wire(request), s.stall_timeout_s,
                                                 s.timeout_s):
                yield message
        except WorkerDied as exc:
            raise self._crashed(exc) from None
        except WorkerStalled as exc:
            self._discard_worker()
            log.error("embedded_worker_stalled", profile=self.profile, seconds=exc.seconds,
                      fix=f"a bigger profiles.{self.profile}.stall_timeout_s if the model is "
                          "just slow; otherwise run `bot config check`")
            raise LLMWorkerStalled(str(exc), profile=self.profile) from None
        except WorkerFailed as exc:
            raise LLMBadRequest(exc.message, profile=self.profile) from None

    async def _running_worker(self) -> WorkerProcess:
        if self._worker is None:
            self._worker = await self._start_worker()
        return self._worker

    async def _start_worker(self) -> WorkerProcess:
        try:
            return await WorkerProcess.start(self._load_config(), self.settings.timeout_s)
        except WorkerDied as exc:
            raise self._crashed(exc) from None
        except WorkerStalled as exc:
            raise LLMWorkerStalled(f"the model did not load within {exc.seconds:g}s",
                                   profile=self.profile) from None
        except WorkerFailed as exc:
            raise LLMNotConfigured(f"the model file {self.model_path.name} does not load "
                                   f"({exc.message}). Fix: point profiles.{self.profile}"
                                   ".model_path at a GGUF model", profile=self.profile) from None

    def _crashed(self, died: WorkerDied) -> LLMWorkerCrashed:
        """Log the cause once, with the fix; count the crash towards a cooldown."""
        self._worker = None
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if now - t < CRASH_WINDOW_S] + [now]
        cause, fix = explain(died, self.profile)
        log.error("embedded_worker_died", profile=self.profile, signal=died.signal_name,
                  returncode=died.returncode, cause=cause, fix=fix,
                  crashes_recently=len(self._crashes))
        return LLMWorkerCrashed(cause, profile=self.profile, cause=cause, fix=fix)

    def _refuse_while_cooling(self) -> None:
        if len(self._crashes) < CRASH_LIMIT:
            return
        left = self._crashes[-1] + self.settings.cooldown_s - time.monotonic()
        if left <= 0:
            self._crashes.clear()
            return
        raise LLMWorkerCrashed(
            f"the worker crashed {len(self._crashes)} times; paused for {left:.0f}s more",
            profile=self.profile, cause="repeated crashes", fix="see embedded_worker_died")

    def _discard_worker(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    async def probe(self) -> ProbeResult:
        """A one-token generation in a fresh worker process: does this machine run the model?"""
        started = time.monotonic()
        result = ProbeResult(profile=self.profile, kind="llamacpp", target=str(self.model_path),
                             model=self.model)
        probe = LlamaCppBackend(self.profile, self.settings, self.model_path)
        request = LLMRequest(messages=[ChatMessage.user("Say hi.")], max_tokens=1)
        try:
            async for _ in probe.stream(request):
                pass
        except LLMWorkerCrashed as exc:
            result.detail = f"{exc.cause}. Fix: {exc.fix}"
            return result
        except (LLMNotConfigured, LLMTimeout, LLMBadRequest) as exc:
            result.detail = f"{exc.user_message} {exc.detail}"
            return result
        finally:
            await probe.aclose()
        result.reachable = result.model_listed = True
        result.latency_s = time.monotonic() - started
        size = self.model_path.stat().st_size // 1_000_000
        result.detail = f"generated a token in a worker process ({size} MB model)"
        return result

    async def aclose(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if self._loop is not asyncio.get_running_loop():
            worker.kill()  # started on another event loop: its pipes cannot be awaited here
            return
        await worker.stop()

