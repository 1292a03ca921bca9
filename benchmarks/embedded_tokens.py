"""The embedded model through its worker process vs raw llama-cpp-python in this process.

Same model file, prompt, settings and thread count; runs alternate so that machine load
falls on both alike. Measured: tokens/s over the whole answer and time to the first token.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from backends.llamacpp_backend import LlamaCppBackend
from config import Settings
from contracts.llm import LLMRequest, TextChunk
from contracts.messages import ChatMessage

PROMPT = "Write a short story about a lighthouse keeper."
MAX_TOKENS = 128
RUNS = 7


def _raw(llama: Any) -> tuple[int, float, float]:
    started = time.perf_counter()
    first, tokens = 0.0, 0
    for part in llama.create_chat_completion(
        messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS,
        temperature=0.0, repeat_penalty=1.2, stream=True,
    ):
        if part["choices"][0]["delta"].get("content"):
            tokens += 1
            first = first or time.perf_counter() - started
    return tokens, time.perf_counter() - started, first


async def _worker(backend: LlamaCppBackend) -> tuple[int, float, float]:
    request = LLMRequest(messages=[ChatMessage.user(PROMPT)], max_tokens=MAX_TOKENS,
                         temperature=0.0)
    started = time.perf_counter()
    first, tokens = 0.0, 0
    async for chunk in backend.stream(request):
        if isinstance(chunk, TextChunk):
            tokens += 1
            first = first or time.perf_counter() - started
    return tokens, time.perf_counter() - started, first


async def _measure(llama: Any, backend: LlamaCppBackend) -> dict[str, list[float]]:
    await _worker(backend)  # start the worker and load the model: not part of a turn
    out: dict[str, list[float]] = {"raw_tps": [], "raw_ttft": [], "w_tps": [], "w_ttft": []}
    for _ in range(RUNS):
        n, s, first = _raw(llama)
        out["raw_tps"].append(n / s)
        out["raw_ttft"].append(first)
        n, s, first = await _worker(backend)
        out["w_tps"].append(n / s)
        out["w_ttft"].append(first)
    await backend.aclose()
    return out


def run() -> str:
    from llama_cpp import Llama

    profile = Settings().profiles["local"].model_copy(update={"max_tokens": MAX_TOKENS})
    backend = LlamaCppBackend.from_profile("local", profile)
    llama = Llama(model_path=str(backend.model_path), n_ctx=profile.n_ctx, verbose=False)
    m = {k: statistics.median(v) for k, v in asyncio.run(_measure(llama, backend)).items()}
    return (
        "## Embedded model: worker process vs in-process llama-cpp-python\n\n"
        f"SmolLM2-135M-Instruct Q4_1, {MAX_TOKENS} tokens max, temperature 0, median of "
        f"{RUNS} alternating runs; the in-process model and the worker's load the same file "
        "with the same settings.\n\n"
        "| path | tokens/s | first token | tokens/s ratio |\n|---|---|---|---|\n"
        f"| raw `Llama.create_chat_completion(stream=True)` in this process | "
        f"{m['raw_tps']:.1f} | {m['raw_ttft'] * 1000:.0f} ms | 1.00× |\n"
        f"| `LlamaCppBackend.stream` (worker process, JSON lines over a pipe) | "
        f"{m['w_tps']:.1f} | {m['w_ttft'] * 1000:.0f} ms | {m['w_tps'] / m['raw_tps']:.2f}× |"
    )
