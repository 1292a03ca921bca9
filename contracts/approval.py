"""Asking a person before a tool call runs.

A tool that sets ``ask_first = True`` runs only once its call is approved. The agent asks
the turn's :class:`ApprovalGate`, which yields an :class:`ApprovalRequest` (the presenter
shows it and answers through ``Session.approve``) and then an :class:`ApprovalDecision`;
where no person can be asked, the gate yields only the decision, from configuration.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, Protocol

from contracts.events import ApprovalDecision, ApprovalRequest

ApprovalEvent = ApprovalRequest | ApprovalDecision


class ApprovalGate(Protocol):
    """One turn's way to get a yes or no for a tool call."""

    def ask(self, step_id: str, tool: str, arguments: dict[str, Any] | str
            ) -> AsyncGenerator[ApprovalEvent, None]:
        """Yield the request (when a person is asked), then the decision, always last."""
        ...


class PolicyGate:
    """Decides every call the same way without asking: for turns with no person to ask."""

    def __init__(self, allow: bool = False) -> None:
        self.allow = allow

    async def ask(self, step_id: str, tool: str, arguments: dict[str, Any] | str
                  ) -> AsyncGenerator[ApprovalEvent, None]:
        yield ApprovalDecision(id=f"default-{step_id}", step_id=step_id, tool=tool,
                               allowed=self.allow, by="default")


def refusal(decision: ApprovalDecision, timeout_s: float | None = None) -> str:
    """Why the call did not run, as the model reads it (so it can tell the user)."""
    if decision.by == "timeout":
        waited = f" within {timeout_s:g} s" if timeout_s else ""
        return f"no one approved this call to {decision.tool}{waited}; it did not run"
    if decision.by == "default":
        return (f"calls to {decision.tool} need a person's approval and no one can be asked "
                "here (approvals.default = deny); it did not run")
    return f"the user denied this call to {decision.tool}; it did not run"
