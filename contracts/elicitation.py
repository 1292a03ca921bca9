"""Asking the person for input in the middle of a tool call (MCP elicitation).

An MCP server may ask, while one of its tools runs, for something only the person knows
("How many seats?"), with a JSON schema of flat fields. The presenter that watches a turn
gives its :class:`Session` an :class:`Elicitor` (the terminal asks on stderr); a session with
no person (``headless``: the API, ``bot serve mcp``, piped input) has none, and every
elicitation is declined. An elicitation nobody answers within ``approvals.timeout_s`` is
declined too.

The turn's elicitor is ambient (a context variable set while ``Session.send`` runs), so the
tools between the agent and the MCP server need no new parameter to reach it.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Action = Literal["accept", "decline", "cancel"]


@dataclass(frozen=True)
class ElicitationAsk:
    server: str  # the MCP server that asks
    tool: str  # the call it asks during
    message: str  # the server's question, shown as it came
    schema: dict[str, Any]  # JSON schema of the answer: an object of flat fields
    timeout_s: float


@dataclass(frozen=True)
class ElicitationAnswer:
    action: Action
    content: dict[str, Any] = field(default_factory=dict)
    by: Literal["person", "timeout", "default"] = "person"


class Elicitor(Protocol):
    """A presenter's way to put an elicitation to the person and get the answer."""

    async def ask(self, ask: ElicitationAsk) -> ElicitationAnswer: ...


DECLINED = ElicitationAnswer("decline", by="default")
TIMED_OUT = ElicitationAnswer("decline", by="timeout")
CURRENT: contextvars.ContextVar[Elicitor | None] = contextvars.ContextVar(
    "bot_elicitor", default=None)


def current_elicitor() -> Elicitor | None:
    """The elicitor of the turn running in this task; None where no person can be asked."""
    return CURRENT.get()
