"""The approval step before a tool call that must be approved (``ask_first`` tools)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from contracts.agent import TurnContext
from contracts.approval import refusal
from contracts.events import ApprovalDecision, ApprovalRequest, Event


class ApprovalStep:
    """Forwards the gate's events; afterwards :attr:`refused` says why the call may not run.

    A call that ``needs`` approval starts refused: only an allowing decision clears it, so
    a path that skips :meth:`run` (or a gate that ends without deciding) never runs it.
    """

    def __init__(self, tool: str, needed: bool) -> None:
        self.refused: str | None = (
            f"the call to {tool} needs approval and was not approved; it did not run"
            if needed else None)

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
