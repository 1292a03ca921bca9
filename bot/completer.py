"""A :class:`~contracts.run_context.Completer` outside a turn (the eval harness).

Inside a turn the agent's :class:`~contracts.agent.TurnContext` and a tool's
:class:`~contracts.run_context.ToolRunContext` already are completers, metered into the
turn's usage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from contracts.llm import LLM, Completion, LLMRequest, complete
from contracts.usage import UsageMeter

if TYPE_CHECKING:
    from bot.models import ModelPool


class MeteredCompleter:
    """A completer that resolves roles to LLMs and meters tokens and cost."""

    def __init__(self, for_role: Callable[[str], LLM], meter: UsageMeter | None = None) -> None:
        self.for_role = for_role
        self.meter = meter if meter is not None else UsageMeter()

    @classmethod
    def from_pool(cls, pool: ModelPool, meter: UsageMeter | None = None) -> MeteredCompleter:
        """Roles resolved exactly as the bot resolves them."""
        return cls(pool.for_role, meter)

    async def complete(self, role: str, request: LLMRequest) -> Completion:
        llm = self.for_role(role)
        request.role = role
        result = await complete(llm, request)
        self.meter.record(llm, result.input_tokens, result.output_tokens)
        return result
