"""The approval step before a tool call that must be approved (``ask_first`` tools)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from contracts.agent import TurnContext
from contracts.approval import refusal
from contracts.events import ApprovalDecision, ApprovalRequest, Event


class ApprovalStep:
    """Forwards the gate's events; afterwards :attr:`refused` says why the call may not run."""

    def __init__(self) -> None:
        self.refused: str | None = None

    async def run(self, ctx: TurnContext, step_id: str, tool: str,
                  arguments: dict[str, Any] | str) -> AsyncGenerator[Event, None]:
        timeout_s: float | None = None
        self.refused = f"no decision on the call to {tool}; it did not run"
        async with aclosing(ctx.approvals.ask(step_id, tool, arguments)) as events:
            async for event in events:
                if isinstance(event, ApprovalRequest):
                    timeout_s = event.timeout_s
                elif isinstance(event, ApprovalDecision):
                    self.refused = None if event.allowed else refusal(event, timeout_s)
                yield event
