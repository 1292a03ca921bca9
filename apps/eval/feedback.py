"""``bot eval feedback``: every 👎 answer is a regression case for the current configuration.

Each case is the conversation up to a 👎 answer, the question, the old answer and the
user's comment. Re-running asks the question again through the bot as configured now
(the earlier turns replayed into a scratch store in the run folder, so the production
store gains no eval turns), then the order-swapped pairwise judge compares the new answer
with the old one: **win** (the new one, in both orders), **loss**, **AA**/**BB** (the judge
followed the position), **other**, **error** — the figures ``bot eval pairwise`` reports.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

from pydantic import BaseModel

from apps.eval.data import PairItem
from apps.eval.judging import Combo, PairJudging
from apps.eval.pacing import RateLimiter
from apps.eval.progress import Progress
from apps.eval.records import PairRecord, ResultLog, latest
from bot.app import Bot
from bot.models import ModelPool
from config import Settings
from config.sections import StoreSettings
from contracts.events import Done
from contracts.store import AssistantTurn
from stores.rated import RatedAnswer

CRITERION = ("Which answer answers the user's last question better: correct, grounded in "
             "what the conversation and documents say, and helpful?")


class FeedbackCase(BaseModel):
    """A 👎 answer as a regression case."""

    id: str
    history: list[tuple[str, str]]  # (role, text) before the question, oldest first
    question: str
    old_answer: str
    comment: str | None = None

    @classmethod
    def from_rated(cls, rated: RatedAnswer) -> FeedbackCase | None:
        *before, answer = rated.turns
        if not before or before[-1].role != "user":
            return None
        history = [(t.role, t.text) for t in before[:-1] if t.text.strip()]
        return cls(id=f"turn-{answer.id}", history=history, question=before[-1].text,
                   old_answer=answer.text, comment=rated.comment)

    def context(self) -> str:
        lines = [f"{role}: {text}" for role, text in self.history]
        parts = [("Conversation so far:\n" + "\n".join(lines)) if lines else "",
                 f"The user's last question: {self.question}"]
        if self.comment:
            parts.append(f"A reviewer's note on what a good answer needs: {self.comment}")
        return "\n\n".join(p for p in parts if p)


class NewAnswer(BaseModel):
    case_id: str
    answer: str


def scratch_settings(settings: Settings, out: Path) -> Settings:
    """The configuration under test, its store a scratch SQLite file in the run folder."""
    store = StoreSettings(url=f"sqlite:///{out / 'replay.sqlite3'}")  # type: ignore[arg-type]
    cfg = settings.eval.model_copy(update={"criterion": CRITERION})
    return settings.model_copy(update={"store": store, "eval": cfg})


async def ask_again(bot: Bot, case: FeedbackCase, run_id: str, user: str = "eval") -> str:
    """The current configuration's answer, after the case's earlier turns."""
    key = f"eval-feedback:{run_id}:{case.id}"
    for role, text in case.history:
        if role == "user":
            await asyncio.to_thread(bot.store.add_user_turn, key, text, "eval")
        else:
            await asyncio.to_thread(bot.store.add_assistant_turn, key, AssistantTurn(text=text))
    answer = ""
    async for event in bot.session(key).send(case.question, user=user):
        if isinstance(event, Done):
            answer = event.text
    return answer


async def run_feedback_eval(settings: Settings, cases: list[FeedbackCase], out: Path,
                            judge_profile: str, concurrency: int = 4,
                            progress: bool = True, user: str = "eval",
                            ) -> list[tuple[FeedbackCase, PairRecord]]:
    """Ask and judge every case without a result yet in ``out``; returns all cases' results."""
    out.mkdir(parents=True, exist_ok=True)
    settings = scratch_settings(settings, out)
    log = ResultLog(out / "results.jsonl", PairRecord)
    answers = ResultLog(out / "answers.jsonl", NewAnswer)
    done = set(latest(log.load()))
    todo = iter([c for c in cases if ("feedback", judge_profile, c.id) not in done])
    bot, run_id = Bot.from_settings(settings), uuid.uuid4().hex[:8]
    judging = PairJudging(settings, Combo("feedback", judge_profile), ModelPool(settings),
                          RateLimiter(settings.eval.requests_per_s), run_id)
    bar = Progress(len(cases) - len(done), progress)

    async def worker() -> None:
        for case in todo:
            new = await ask_again(bot, case, run_id, user)
            answers.append(NewAnswer(case_id=case.id, answer=new))
            item = PairItem(id=case.id, context=case.context(), correct=new,
                            incorrect=case.old_answer)
            log.append(await judging.judge_item(item))  # "correct" = the new answer won
            bar.update(1)

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(cases))))))
    finally:
        bar.close()
        log.close()
        answers.close()
        await bot.aclose()
    results = latest(log.load())
    return [(c, results[("feedback", judge_profile, c.id)]) for c in cases
            if ("feedback", judge_profile, c.id) in results]


def write_cases(out: Path, cases: list[FeedbackCase]) -> Path:
    """The cases as collected, so a resumed run judges the same ones."""
    path = out / "cases.jsonl"
    out.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(c.model_dump_json() + "\n" for c in cases), encoding="utf-8")
    return path


def read_cases(out: Path) -> list[FeedbackCase]:
    path = out / "cases.jsonl"
    return [FeedbackCase(**json.loads(line)) for line in path.read_text().splitlines() if line]
