"""Tool calls that need a person's approval: asked through the Session, answered by id."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from backends.scripted import Reply, ScriptedToolCall
from config import Settings
from contracts.events import (
    ApprovalDecision,
    ApprovalRequest,
    Event,
    Status,
    TextDelta,
    ToolResult,
)
from contracts.run_context import ToolRunContext
from contracts.tools import ToolOutput
from contracts.turn_view import TurnView

KEY = "test:approvals"


class Transfer:
    """A tool with consequences: it records each run, and asks first."""

    name = "transfer"
    description = "Move money."
    ask_first = True

    class Args(BaseModel):
        amount: int

    def __init__(self) -> None:
        self.runs: list[int] = []

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        self.runs.append(args.amount)
        return ToolOutput(content=f"moved {args.amount}")


def transfer_then(answer: str) -> list[Reply]:
    call = ScriptedToolCall(id="c1", name="transfer", arguments={"amount": 5})
    return [Reply(tool_calls=[call]), Reply(text=answer)]


async def answer_with(bot: Any, allowed: bool | None, key: str = KEY) -> list[Event]:
    """Ask once; answer the approval request through a fresh Session of the same key."""
    events: list[Event] = []
    async for event in bot.session(key).send("move 5"):
        events.append(event)
        if isinstance(event, ApprovalRequest) and allowed is not None:
            assert bot.session(key).pending_approvals() == [event]
            assert bot.session(key).approve(event.id, allowed, user="alice")
    return events


def model_read(bot: Any) -> str:
    return bot.models.for_role("primary").requests[1].messages[-1].content


async def test_an_approved_call_runs_after_the_person_says_yes(make_bot: Any) -> None:
    tool = Transfer()
    bot = make_bot(*transfer_then("Done."), tools={"transfer": tool})
    events = await answer_with(bot, allowed=True)
    kinds = [e.kind for e in events if not isinstance(e, TextDelta)]
    assert kinds[:5] == ["tool_call", "approval", "approval_decision", "status", "tool_result"]
    decision = next(e for e in events if isinstance(e, ApprovalDecision))
    assert (decision.allowed, decision.by, decision.user) == (True, "person", "alice")
    assert tool.runs == [5] and model_read(bot) == "moved 5"
    assert bot.session(KEY).pending_approvals() == []


async def test_a_denied_call_never_runs_and_the_model_reads_why(make_bot: Any) -> None:
    tool = Transfer()
    bot = make_bot(*transfer_then("I did not move it."), tools={"transfer": tool})
    events = await answer_with(bot, allowed=False)
    result = next(e for e in events if isinstance(e, ToolResult))
    assert tool.runs == [] and result.is_error
    assert "the user denied this call to transfer" in model_read(bot)
    assert not any(isinstance(e, Status) and "using" in e.text for e in events)
    view = TurnView()
    for event in events:
        view.apply(event)
    assert view.steps[0].approval_note == "denied"


async def test_no_answer_in_time_denies_the_call(make_bot: Any, settings: Settings) -> None:
    quick = settings.model_copy(update={"approvals": settings.approvals.model_copy(
        update={"timeout_s": 0.2})})
    tool = Transfer()
    bot = make_bot(*transfer_then("No answer."), tools={"transfer": tool}, settings_=quick)
    events = await answer_with(bot, allowed=None)
    decision = next(e for e in events if isinstance(e, ApprovalDecision))
    assert (decision.allowed, decision.by) == (False, "timeout")
    assert tool.runs == [] and "no one approved this call" in model_read(bot)
    assert bot.session(KEY).pending_approvals() == []


async def test_headless_sessions_take_the_configured_default(make_bot: Any,
                                                             settings: Settings) -> None:
    tool = Transfer()
    bot = make_bot(*transfer_then("Not allowed."), tools={"transfer": tool})
    events = [e async for e in bot.session(KEY, headless=True).send("move 5")]
    assert not any(isinstance(e, ApprovalRequest) for e in events)
    assert tool.runs == [] and "approvals.default = deny" in model_read(bot)
    allowing = settings.model_copy(update={"approvals": settings.approvals.model_copy(
        update={"default": "allow"})})
    bot = make_bot(*transfer_then("Moved."), tools={"transfer": tool}, settings_=allowing)
    events = [e async for e in bot.session(KEY, headless=True).send("move 5")]
    decision = next(e for e in events if isinstance(e, ApprovalDecision))
    assert (decision.allowed, decision.by) == (True, "default") and tool.runs == [5]


async def test_another_conversation_cannot_answer_the_request(make_bot: Any) -> None:
    tool = Transfer()
    bot = make_bot(*transfer_then("Denied then."), tools={"transfer": tool})
    events: list[Event] = []
    async for event in bot.session(KEY).send("move 5"):
        events.append(event)
        if isinstance(event, ApprovalRequest):
            assert not bot.session("test:someone-else").approve(event.id, True)
            assert not bot.session(KEY).approve("made-up-id", True)
            assert bot.session(KEY).approve(event.id, False)
            assert not bot.session(KEY).approve(event.id, True)  # answered once only
    assert tool.runs == []


async def test_a_turn_stopped_while_waiting_is_stored_unanswered(make_bot: Any) -> None:
    tool = Transfer()
    bot = make_bot(*transfer_then("never"), tools={"transfer": tool})
    asked = asyncio.Event()

    async def consume() -> None:
        async for event in bot.session(KEY).send("move 5"):
            if isinstance(event, ApprovalRequest):
                asked.set()

    task = asyncio.create_task(consume())
    await asked.wait()
    await asyncio.sleep(0.05)  # the turn is now waiting on the answer
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    stored = (await bot.session(KEY).history())[-1]
    view = TurnView.from_record(stored)
    assert stored.interrupted
    assert view.steps[0].approval_note == "not answered before the turn ended"
    assert tool.runs == [] and bot.session(KEY).pending_approvals() == []


def test_the_view_shows_the_approval_on_its_step_and_ends_it_with_the_turn() -> None:
    from contracts.events import Error, ToolCall

    view = TurnView()
    view.apply(ToolCall(id="c1", name="transfer", arguments={"amount": 5}))
    view.apply(ApprovalRequest(id="r1", step_id="c1", tool="transfer",
                               arguments={"amount": 5}, timeout_s=60))
    step = view.pending_approval
    assert step is not None and (step.approval_id, step.approval_note) == (
        "r1", "waiting for approval")
    view.apply(Error.apology("the turn timed out", "e1"))  # e.g. turn_timeout_s passed
    assert view.pending_approval is None
    assert view.steps[0].approval_note == "not answered before the turn ended"
    assert view.steps[0].stored()["approval"] == "denied"


def test_an_approval_step_starts_refused_until_a_decision_allows_it() -> None:
    from agents.approval import ApprovalStep

    assert ApprovalStep("transfer", needed=True).refused  # never asked: it does not run
    assert ApprovalStep("clock", needed=False).refused is None
