"""Tokens, cost and timing of every LLM call made during one turn, by the agent or a tool."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from contracts.events import Usage
from contracts.llm import LLM, UsageChunk, cost_usd


@dataclass
class UsageMeter:
    """Adds up one turn's calls; the Session reports it as the turn's :class:`Usage`."""

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

    def usage(self) -> Usage:
        """The turn so far as a :class:`Usage` event."""
        return Usage(input_tokens=self.input_tokens, output_tokens=self.output_tokens,
                     cost_usd=self.cost_usd, latency_s=time.monotonic() - self.started,
                     ttft_s=self.ttft_s, backend=self.backend, model=self.model)
