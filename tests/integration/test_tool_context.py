"""Tools run with the turn's context: their model calls are the turn's, and Stop reaches them."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from pydantic import BaseModel
from structlog.testing import capture_logs

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import Settings
from contracts.events import Status, Usage
from contracts.llm import LLMRequest
from contracts.run_context import ToolRunContext
from contracts.tools import ToolOutput
from tools.judge_tool import CompareCandidates

KEY = "test:tools"
COMPARE = Reply(tool_calls=[ScriptedToolCall(name="compare", arguments={
    "context": "The sky is blue.", "candidate_a": "Blue.", "candidate_b": "Green."})])


def words(requests: list[LLMRequest]) -> int:
    """Input tokens as the scripted backend counts them: the words of each prompt."""
    return sum(len(" ".join(m.content for m in r.messages).split()) for r in requests)


async def test_the_compare_tools_tokens_and_cost_are_the_turns(settings: Settings) -> None:
    primary = ScriptedLLM([COMPARE, "Blue is right."], profile="scripted")
    judge = ScriptedLLM(default="A", profile="judge", model="judge-model")
    judge.price_in, judge.price_out = 1_000_000.0, 2_000_000.0  # $1 and $2 per token
    bot = Bot.from_settings(settings, llms={"primary": primary, "judge": judge},
                            tools={"compare": CompareCandidates()})
    try:
        with capture_logs() as logs:
            events = [e async for e in bot.session(KEY).send("Which is right?")]
        usage = next(e for e in events if isinstance(e, Usage))
        judge_in, judge_out = words(judge.requests), len(judge.requests)  # each reply: "A"
        assert len(judge.requests) == 2  # both orders
        assert usage.input_tokens == words(primary.requests) + judge_in
        assert usage.cost_usd == judge_in * 1.0 + judge_out * 2.0
        stored = (await bot.session(KEY).history())[-1]
        assert (stored.input_tokens, stored.cost_usd) == (usage.input_tokens, usage.cost_usd)
        turn = next(e for e in logs if e["event"] == "turn")
        assert turn["cost_usd"] == round(usage.cost_usd, 6)
        assert turn["input_tokens"] == usage.input_tokens
    finally:
        await bot.aclose()


class WaitArgs(BaseModel):
    pass


class WaitsInAThread:
    """A tool whose work runs in a thread, which asyncio cannot cancel."""

    name = "wait"
    description = "wait"
    Args = WaitArgs

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped: bool | None = None
        self.worker: threading.Thread | None = None

    def _work(self, ctx: ToolRunContext) -> None:
        self.started.set()
        self.stopped = ctx.cancel.wait(timeout=60)

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        self.worker = threading.Thread(target=self._work, args=(ctx,))
        self.worker.start()
        await asyncio.to_thread(self.worker.join)
        return ToolOutput(content="done")


async def test_a_stopped_turn_tells_a_tools_thread_to_stop(settings: Settings) -> None:
    tool = WaitsInAThread()
    primary = ScriptedLLM([Reply(tool_calls=[ScriptedToolCall(name="wait")])], default="ok")
    bot = Bot.from_settings(settings, llms={"primary": primary}, tools={"wait": tool})
    try:
        events = bot.session(KEY).send("wait for it")
        async for event in events:
            if isinstance(event, Status):  # "using wait…": the next step runs the tool
                break
        step = asyncio.ensure_future(anext(events))
        await asyncio.to_thread(tool.started.wait)
        step.cancel()  # the user stops the answer (Ctrl-C, Stop) while the tool works
        with contextlib.suppress(asyncio.CancelledError):
            await step
        assert tool.worker is not None
        await asyncio.to_thread(tool.worker.join)
        assert tool.stopped is True  # woken by the stop, not by its 60 s timeout
        stored = (await bot.session(KEY).history())[-1]
        assert stored.role == "assistant" and stored.interrupted
    finally:
        await bot.aclose()
