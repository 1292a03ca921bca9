"""Verdicts in a fixed shape against free text: readable without the extractor model, and
the judge's order-swap consistency, side by side on the same items and the same model.

The pairwise judge runs every item of ``config/sample_pairs.json`` in both orders, twice:
asked for ``{"label": "A"|"B"}`` (a JSON-schema grammar) and asked for free text (read by
the rules). Two ways to reach the embedded SmolLM2-135M: the ``llamacpp`` backend (our
worker, a grammar from ``response_format``) and llama-cpp-python's own OpenAI-compatible
server on loopback through the ``openai`` backend (``fixed_shape = "json_object"``: that
server reads ``response_format`` with a schema, not OpenAI's ``json_schema`` type).
The LLM extractor is switched off, so "needs the extractor" counts what it would have read.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.prompts import PromptLibrary
from contracts.llm import LLM, Completion, LLMRequest, complete
from judging.extractor import AnswerExtractor
from judging.pairwise import PairwiseJudge

ROOT = Path(__file__).resolve().parent.parent
ITEMS = ROOT / "config" / "sample_pairs.json"
LIMIT = int(os.environ.get("BENCH_VERDICT_ITEMS", "10"))
MAX_TOKENS = 48  # as `bot eval pairwise --max-tokens 48` on the embedded model


class Direct:
    """Every role answered by one backend (the judge's and, unused here, the extractor's)."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    async def complete(self, role: str, request: LLMRequest) -> Completion:
        return await complete(self.llm, request)


@dataclass
class Tally:
    """What one (backend, shape) run gave."""

    paths: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def verdicts(self) -> int:
        return sum(self.paths.values())

    def pct(self, part: int, whole: int) -> str:
        return f"{100.0 * part / whole:.1f}%" if whole else "–"

    def row(self, backend: str, shape: str) -> str:
        n, items = self.verdicts, sum(self.outcomes.values())
        readable = self.paths["constrained"] + self.paths["deterministic"]
        consistent = self.outcomes["first"] + self.outcomes["second"]
        return (f"| {backend} | {shape} | {n} | {self.paths['constrained']} | "
                f"{self.paths['deterministic']} | {self.paths['none']} | "
                f"**{self.pct(readable, n)}** | **{self.pct(consistent, items)}** | "
                f"{self.pct(self.outcomes['AA'], items)} | "
                f"{self.pct(self.outcomes['BB'], items)} | "
                f"{self.pct(self.outcomes['first'], items)} | {self.seconds / max(n, 1):.2f} |")


async def judge_items(llm: LLM, fixed_shape: bool, items: list[dict[str, Any]]) -> Tally:
    prompts = PromptLibrary("default")
    judge = PairwiseJudge(prompts, AnswerExtractor(prompts, use_llm=False),
                          max_tokens=MAX_TOKENS, fixed_shape=fixed_shape)
    tally, started = Tally(), time.perf_counter()
    for item in items:  # the correct candidate first: "first" means the judge was right
        judgement = await judge.compare(Direct(llm), item["article_sent"],
                                        item["correct_sent"], item["incorrect_sent"])
        tally.paths.update(v.path for v in judgement.verdicts)
        tally.outcomes[judgement.outcome] += 1
    tally.seconds = time.perf_counter() - started
    return tally


def embedded() -> LLM:
    from backends.llamacpp_backend import LlamaCppBackend
    from config import load_settings

    return LlamaCppBackend.from_profile("local", load_settings().profile("local"))


def served(url: str) -> LLM:
    from backends.openai_backend import OpenAIBackend
    from benchmarks.llama_server import MODEL_ALIAS
    from config.profiles import ProfileSettings

    profile = ProfileSettings(kind="openai", base_url=url, model=MODEL_ALIAS, temperature=0.0,
                              max_retries=0, timeout_s=300.0, fixed_shape="json_object")
    return OpenAIBackend.from_profile("llama-server", profile)


async def both_shapes(llm: LLM, items: list[dict[str, Any]]) -> tuple[Tally, Tally]:
    try:
        return await judge_items(llm, True, items), await judge_items(llm, False, items)
    finally:
        await llm.aclose()


def run() -> str:
    from benchmarks.child_server import server_process

    items = json.loads(ITEMS.read_text(encoding="utf-8"))[:LIMIT]
    rows = []
    shaped, free = asyncio.run(both_shapes(embedded(), items))
    rows += [shaped.row("embedded (llamacpp worker)", "fixed shape (grammar)"),
             free.row("embedded (llamacpp worker)", "free text")]
    with server_process("benchmarks.llama_server") as url:
        shaped, free = asyncio.run(both_shapes(served(url), items))
    server = "llama-cpp-python server (openai backend)"
    rows += [shaped.row(server, "fixed shape (json_object + schema)"),
             free.row(server, "free text")]
    return section(rows, len(items))


def section(rows: list[str], items: int) -> str:
    head = ("| backend | asked for | verdicts | in the shape | read by rules | needs the "
            "extractor | readable without it | consistent (both orders agree) | AA | BB | "
            "right | s/verdict |\n|" + "---|" * 12)
    return (
        "## Verdicts in a fixed shape vs free text (pairwise judge)\n\n"
        f"`python -m benchmarks.run verdict_shape` · {items} items of "
        f"`config/sample_pairs.json`, each judged in both orders, `max_tokens` {MAX_TOKENS}, "
        f"SmolLM2-135M-Instruct Q4_1 · {platform.machine()}, {os.cpu_count()} cores, "
        "shared with other work.\n\n" + head + "\n" + "\n".join(rows) + "\n\n"
        "- **readable without it**: verdicts read from the fixed shape or by the rules, "
        "with no call to the extractor model (goal ≥ 99 %).\n"
        "- **consistent**: the judge picked the same candidate in both orders; **AA / BB**: "
        "it picked the first / second shown both times (position bias); **right**: "
        "consistently the correct one.\n"
        "- A grammar makes every verdict readable; it does not make a 135M model a good "
        "judge — the consistency columns say how much of the verdict is position.\n"
    )


if __name__ == "__main__":
    print(run())
