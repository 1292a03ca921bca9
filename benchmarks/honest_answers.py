"""Honest answers on the embedded model: the pipeline with checks off (before) and on (after).

Every question of ``benchmarks/data/honest_answers/questions.json`` is asked through
``Bot.from_settings`` and ``session.send`` on SmolLM2-135M over the bundled docs, once with
``pipeline.checks = "off"`` (the old behaviour) and once with ``"on"``. What each turn
showed, searched and gave the model is written to ``outputs.json`` beside the questions;
``benchmarks/honest_scoring.py`` scores it against the hand labels in ``labels.json`` and
an automatic proxy. ``python -m benchmarks.honest_answers report`` re-scores the stored
outputs without running the model (after labelling) and rewrites the section of
docs/benchmarks.md; ``python -m benchmarks.honest_labels`` shows and stores labels.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.honest_scoring import DATA, OUTPUTS, report
from bot.app import Bot
from bot.models import build_backend
from config import Settings, load_settings
from contracts.events import Done, Error, Sources, Status, ToolCall
from contracts.llm import LLM, LLMRequest

MODES = ("off", "on")
PARTIAL = Path(tempfile.gettempdir()) / "bot-honest-answers.partial.json"


class RecordingLLM:
    """The embedded backend, with every request kept: the respond prompt holds the passages."""

    def __init__(self, inner: LLM) -> None:
        self.inner = inner
        self.profile, self.model = inner.profile, inner.model
        self.price_in, self.price_out = inner.price_in, inner.price_out
        self.requests: list[LLMRequest] = []

    def stream(self, request: LLMRequest) -> Any:
        self.requests.append(request)
        return self.inner.stream(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def given_passages(self) -> str:
        """The passages of the last answer request, as the model saw them ("" for none)."""
        answers = [r for r in self.requests if r.role == "primary" and r.messages]
        system = answers[-1].messages[0].content if answers else ""
        start = system.find("\n\n[1] ")
        return system[start + 2 :] if start >= 0 else ""


def build_index(data_dir: Path) -> Settings:
    """Settings over a fresh index of the bundled docs (what ``make chat`` indexes)."""
    from knowledge.default_docs import BUNDLE
    from knowledge.ingest import ingest

    settings = load_settings(data_dir=data_dir, agent="pipeline")
    ingest(settings, [BUNDLE], progress=False)  # the embedder the bot searches with
    return settings


async def ask(bot: Bot, llm: RecordingLLM, case: dict[str, Any], mode: str) -> dict[str, Any]:
    """Ask the case's turns in one session; record the last turn."""
    session = bot.session(f"bench:{mode}:{case['id']}")
    turns = case.get("turns") or [case["question"]]
    history: list[dict[str, str]] = []
    for text in turns[:-1]:
        earlier = [e async for e in session.send(text)]
        answer = next(e.text for e in earlier if isinstance(e, Done))
        history += [{"role": "user", "content": text}, {"role": "assistant", "content": answer}]
    started = time.perf_counter()
    events = [e async for e in session.send(turns[-1])]
    done = next(e for e in events if isinstance(e, Done))
    return {
        "id": case["id"], "mode": mode, "question": turns[-1], "history": history,
        "answer": done.text, "seconds": round(time.perf_counter() - started, 1),
        "statuses": [e.text for e in events if isinstance(e, Status)],
        "tool_calls": [{"name": e.name, "arguments": e.arguments}
                       for e in events if isinstance(e, ToolCall)],
        "sources": [s.model_dump(exclude={"text"})
                    for e in events if isinstance(e, Sources) for s in e.sources],
        "passages": llm.given_passages(),
        "error": next((e.message for e in events if isinstance(e, Error)), None),
    }


async def run_mode(
    settings: Settings, mode: str, cases: list[dict[str, Any]], done: dict[str, Any]
) -> None:
    """Ask every case not in ``done`` (keyed ``id|mode``), saving ``done`` after each."""
    pipeline = settings.pipeline.model_copy(update={"checks": mode})
    settings = settings.model_copy(update={"pipeline": pipeline})
    llm = RecordingLLM(build_backend("local", settings.profile("local")))
    bot = Bot.from_settings(settings, llms={"primary": llm})
    try:
        for case in cases:
            if f"{case['id']}|{mode}" in done:
                continue
            llm.requests.clear()
            record = await ask(bot, llm, case, mode)
            done[f"{case['id']}|{mode}"] = record
            PARTIAL.write_text(json.dumps(done, ensure_ascii=False))
            print(f"  {mode} {case['id']}: {record['seconds']} s", flush=True)
    finally:
        await bot.aclose()


def run() -> str:
    """Ask every question in both modes, store the outputs, and score them. An interrupted
    run (the model's process can die) resumes where it stopped."""
    cases = json.loads((DATA / "questions.json").read_text())
    done = json.loads(PARTIAL.read_text()) if PARTIAL.exists() else {}
    with tempfile.TemporaryDirectory(prefix="bench-honest-") as tmp:
        settings = build_index(Path(tmp))
        for mode in MODES:
            asyncio.run(run_mode(settings, mode, cases, done))
    records = [done[f"{c['id']}|{m}"] for m in MODES for c in cases]
    OUTPUTS.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    PARTIAL.unlink()
    return report()


def rewrite_section() -> str:
    """Re-score the stored outputs (after labelling) into docs/benchmarks.md, keeping the
    section's stamp: labels change the figures, not when or where the answers were made."""
    from benchmarks.run import PAGE, replace_section
    from benchmarks.stamp import MARK

    page = PAGE.read_text()
    section = page.partition("<!-- bench:honest_answers -->")[2]
    measured = MARK.search(section)
    kept = section[measured.start():].partition("\n<!-- /bench:")[0] if measured else ""
    body = f"{report()}\n\n{kept}".strip()
    PAGE.write_text(replace_section(page, "honest_answers", body))
    return body


if __name__ == "__main__":
    if sys.argv[1:] != ["report"]:
        raise SystemExit("usage: python -m benchmarks.honest_answers report  (or benchmarks.run)")
    sys.stdout.write(rewrite_section() + "\n")
