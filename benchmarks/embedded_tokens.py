"""Embedded backend tokens/s against raw llama-cpp-python on the same model and prompt."""

from __future__ import annotations

import asyncio
import statistics
import time

from bot.contracts.llm import LLMRequest, TextChunk
from bot.contracts.messages import ChatMessage
from bot.llm.llamacpp_backend import LlamaCppBackend
from config import Settings

PROMPT = "Write a short story about a lighthouse keeper."
MAX_TOKENS = 128
RUNS = 5


def _raw(llama: object) -> tuple[int, float]:
    started = time.perf_counter()
    tokens = 0
    for part in llama.create_chat_completion(  # type: ignore[attr-defined]
        messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS,
        temperature=0.0, stream=True,
    ):
        if part["choices"][0]["delta"].get("content"):
            tokens += 1
    return tokens, time.perf_counter() - started


async def _ours(backend: LlamaCppBackend) -> tuple[int, float]:
    request = LLMRequest(messages=[ChatMessage.user(PROMPT)], max_tokens=MAX_TOKENS,
                         temperature=0.0)
    started = time.perf_counter()
    tokens = sum([1 async for c in backend.stream(request) if isinstance(c, TextChunk)])
    return tokens, time.perf_counter() - started


def run() -> str:
    backend = LlamaCppBackend.from_profile("local", Settings().profiles["local"])
    llama = backend._load()  # the very same model instance, so only our layer differs
    raw_rates, our_rates = [], []
    for _ in range(RUNS):
        n, s = _raw(llama)
        raw_rates.append(n / s)
        n, s = asyncio.run(_ours(backend))
        our_rates.append(n / s)
    raw, ours = statistics.median(raw_rates), statistics.median(our_rates)
    return (
        "## Embedded model: our backend vs raw llama-cpp-python\n\n"
        f"SmolLM2-135M-Instruct Q4_1, {MAX_TOKENS} tokens max, temperature 0, "
        f"median of {RUNS} alternating runs on one shared model instance.\n\n"
        "| path | tokens/s | ratio |\n|---|---|---|\n"
        f"| raw `Llama.create_chat_completion(stream=True)` | {raw:.1f} | 1.00× |\n"
        f"| `LlamaCppBackend.stream` (thread + asyncio queue) | {ours:.1f} | {ours / raw:.2f}× |"
    )
