"""``bot eval chat``: questions with expectations, asked through the presenters' own graph."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from apps.eval.data import DataError, item_ids, read_objects
from apps.eval.pairwise import RunExists
from apps.eval.progress import Progress
from apps.eval.records import ResultLog
from bot.app import Bot
from bot.completer import MeteredCompleter
from config import Settings
from contracts.events import Done, Error, Usage
from contracts.llm import LLMRequest
from contracts.messages import ChatMessage
from judging.extractor import AnswerExtractor
from judging.verdict_shape import label_shape


class ChatCase(BaseModel):
    """One conversation (usually one question) and what its last answer must satisfy."""

    id: str
    turns: list[str]
    must_contain: list[str] = Field(default_factory=list)
    must_not_contain: list[str] = Field(default_factory=list)
    expect: str | None = Field(None, description="checked by the judge role")


class ChatResult(BaseModel):
    case_id: str
    passed: bool
    answer: str
    failures: list[str] = Field(default_factory=list)
    judge_reply: str = ""
    judge_path: str | None = Field(None, description="who read the verdict: constrained "
                                      "(the fixed shape), rules, llm, none")
    latency_s: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class ChatPlan:
    cases: list[ChatCase]
    out: Path
    concurrency: int = 4
    resume: bool = False
    progress: bool = True


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def load_cases(path: Path, limit: int | None = None) -> list[ChatCase]:
    """Cases from JSON/JSONL: ``question`` or ``turns``, plus ``must_contain``,
    ``must_not_contain`` and ``expect`` (alias ``judge``)."""
    objects = read_objects(path)[:limit]
    ids = item_ids([str(o.get("id", f"case-{n}")) for n, o in enumerate(objects, 1)])
    cases = []
    for number, (case_id, obj) in enumerate(zip(ids, objects, strict=True), 1):
        turns = _strings(obj.get("turns") or obj.get("question"))
        if not turns or not all(t.strip() for t in turns):
            raise DataError(f"{path}: case {number} has no 'question' (or 'turns'). Fix: add "
                            '"question": "..." to it')
        cases.append(ChatCase(
            id=case_id, turns=turns, must_contain=_strings(obj.get("must_contain")),
            must_not_contain=_strings(obj.get("must_not_contain")),
            expect=obj.get("expect") or obj.get("judge"),
        ))
    if not cases:
        raise DataError(f"{path}: no cases")
    return cases


class ExpectationCheck:
    """Asks the ``judge`` role whether an answer meets an expectation; yes/no via the extractor."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.extractor = AnswerExtractor(bot.prompts)

    async def check(self, question: str, answer: str, expectation: str
                    ) -> tuple[bool, str, str]:
        completer = MeteredCompleter.from_pool(self.bot.models)
        prompt = self.bot.prompts.render("judge_expectation", question=question, answer=answer,
                                         expectation=expectation)
        request = LLMRequest(messages=[ChatMessage.user(prompt)], temperature=0.0,
                             answer_shape=label_shape(["yes", "no"]))
        reply = await completer.complete("judge", request)
        found = await self.extractor.extract(reply.text, ["yes", "no"], completer, expectation)
        path = "rules" if found.path == "deterministic" else found.path
        return found.label == "yes", reply.text, path


async def run_case(bot: Bot, case: ChatCase, run_id: str, check: ExpectationCheck) -> ChatResult:
    """Ask the case's turns in a fresh session, then check the last answer."""
    session = bot.session(f"eval:{run_id}:{case.id}")
    result = ChatResult(case_id=case.id, passed=False, answer="")
    started = time.monotonic()
    for turn in case.turns:
        async for event in session.send(turn, user="eval"):
            if isinstance(event, Error):
                result.failures.append(f"error {event.error_id}: {event.message}")
            elif isinstance(event, Usage):
                result.input_tokens += event.input_tokens
                result.output_tokens += event.output_tokens
                result.cost_usd += event.cost_usd
            elif isinstance(event, Done):
                result.answer = event.text
    result.latency_s = round(time.monotonic() - started, 3)
    low = result.answer.lower()
    result.failures += [f"missing {s!r}" for s in case.must_contain if s.lower() not in low]
    result.failures += [f"contains {s!r}" for s in case.must_not_contain if s.lower() in low]
    if case.expect and not result.failures:
        met, result.judge_reply, result.judge_path = await check.check(
            case.turns[-1], result.answer, case.expect)
        if not met:
            result.failures.append(f"judge: expectation not met: {case.expect!r}")
    result.passed = not result.failures
    return result


async def run_chat_eval(
    settings: Settings, plan: ChatPlan, bot: Bot | None = None
) -> list[ChatResult]:
    """Run every pending case, appending each result as it finishes; returns the plan's results."""
    log = ResultLog(plan.out / "results.jsonl", ChatResult)
    if not plan.resume and log.path.exists() and log.path.stat().st_size:
        raise RunExists(f"{plan.out} already holds results. Fix: --resume, or --out NEW_DIR")
    done = {r.case_id for r in log.load()} if plan.resume else set()
    pending = iter([c for c in plan.cases if c.id not in done])
    own = bot is None
    bot = bot or Bot.from_settings(settings)
    check = ExpectationCheck(bot)
    run_id = uuid.uuid4().hex[:8]
    progress = Progress(len(plan.cases) - len(done), plan.progress)

    async def worker() -> None:
        for case in pending:
            log.append(await run_case(bot, case, run_id, check))
            progress.update(1)

    try:
        await asyncio.gather(*(worker() for _ in range(plan.concurrency)))
    finally:
        progress.close()
        log.close()
        if own:
            await bot.aclose()
    wanted = {c.id for c in plan.cases}
    return list({r.case_id: r for r in log.load() if r.case_id in wanted}.values())


def render_chat_report(results: list[ChatResult], out: Path) -> str:
    """The pass-rate report; also written to ``out`` as report.md and report.json."""
    passed = sum(r.passed for r in results)
    rate = 100.0 * passed / len(results) if results else 0.0
    lines = [f"{'PASS' if r.passed else 'FAIL'}  {r.case_id}"
             + ("" if r.passed else "  — " + "; ".join(r.failures)) for r in results]
    lines.append(f"\n{passed}/{len(results)} passed ({rate:.1f}%)")
    judged = Counter(r.judge_path for r in results if r.judge_path)
    if judged:
        lines.append(f"judge verdicts constrained: {judged['constrained']}, read by rules: "
                     f"{judged['rules']}, by the LLM: {judged['llm']}, by none: "
                     f"{judged['none']}")
    text = "\n".join(lines)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(f"# Chat eval\n\n```\n{text}\n```\n", encoding="utf-8")
    payload = {"passed": passed, "total": len(results), "pass_rate_pct": round(rate, 1),
               "results": [r.model_dump() for r in results]}
    (out / "report.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return f"{text}\nwritten: {out / 'report.md'}, {out / 'report.json'}"
