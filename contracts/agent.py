"""The agent contract: what an agent receives for one turn, and what it yields."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Protocol

from contracts.approval import ApprovalGate, PolicyGate
from contracts.events import Event
from contracts.messages import ChatMessage
from contracts.run_context import ToolRunContext
from contracts.tools import Tool


@dataclass(kw_only=True)
class TurnContext(ToolRunContext):
    """Everything an agent may use for one turn. Agents reach LLMs only through it."""

    key: str
    user_text: str
    history: list[ChatMessage]
    tools: dict[str, Tool]
    approvals: ApprovalGate = field(default_factory=PolicyGate)  # no one to ask: deny

    def for_tool(self, name: str) -> ToolRunContext:
        """The part of the turn a tool may use; its log lines name the tool."""
        return ToolRunContext(models=self.models, settings=self.settings, prompts=self.prompts,
                              meter=self.meter, cancel=self.cancel, log=self.log.bind(tool=name),
                              span=self.span, principal=self.principal, whole=self.whole)


class Agent(Protocol):
    """Turns one user message into events: TextDelta, Status, ToolCall, ToolResult, Sources."""

    def run(self, ctx: TurnContext) -> AsyncGenerator[Event, None]: ...
