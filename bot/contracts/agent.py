"""The agent contract: what an agent receives for one turn, and what it yields."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bot.contracts.events import Event
from bot.contracts.llm import (
    LLM,
    Completion,
    LLMChunk,
    LLMRequest,
    TextChunk,
    ToolCallChunk,
    UsageChunk,
    collect,
    cost_usd,
)
from bot.contracts.messages import ChatMessage
from bot.contracts.tools import Tool
from bot.prompts import PromptLibrary

if TYPE_CHECKING:
    from bot.models import ModelPool
    from config import Settings


@dataclass
class UsageMeter:
    """Tokens, cost and timing of every LLM call made during one turn."""

    started: float = field(default_factory=time.monotonic)
    first_token_at: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    backend: str = ""
    model: str = ""

    def record(self, llm: LLM, input_tokens: int, output_tokens: int,
               answered_by: UsageChunk | None = None) -> None:
        """Add a call's tokens; ``answered_by`` names the backend when a fallback answered."""
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        if answered_by is not None and answered_by.cost_usd is not None:
            self.cost_usd += answered_by.cost_usd
        else:
            self.cost_usd += cost_usd(llm, input_tokens, output_tokens)
        if answered_by is not None and answered_by.backend:
            self.backend, self.model = answered_by.backend, answered_by.model
        else:
            self.backend, self.model = llm.profile, llm.model

    def first_token(self) -> None:
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()

    @property
    def ttft_s(self) -> float | None:
        return None if self.first_token_at is None else self.first_token_at - self.started


@dataclass
class TurnContext:
    """Everything an agent may use for one turn. Agents reach LLMs only through it."""

    key: str
    user_text: str
    history: list[ChatMessage]
    models: ModelPool
    tools: dict[str, Tool]
    prompts: PromptLibrary
    settings: Settings
    meter: UsageMeter = field(default_factory=UsageMeter)

    async def stream(self, role: str, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        """Stream from the role's model, metering usage and time to first token."""
        llm = self.models.for_role(role)
        request.role = role
        # aclosing: a Stop must close the backend's HTTP response now, not at garbage collection
        async with aclosing(llm.stream(request)) as chunks:
            async for chunk in chunks:
                if isinstance(chunk, TextChunk | ToolCallChunk):
                    self.meter.first_token()
                elif isinstance(chunk, UsageChunk):
                    self.meter.record(llm, chunk.input_tokens, chunk.output_tokens, chunk)
                yield chunk

    async def complete(self, role: str, request: LLMRequest) -> Completion:
        """The role's whole reply, metered; for single-purpose steps that need no streaming."""
        return await collect(self.stream(role, request))


class Agent(Protocol):
    """Turns one user message into events: TextDelta, Status, ToolCall, ToolResult, Sources."""

    def run(self, ctx: TurnContext) -> AsyncGenerator[Event, None]: ...
