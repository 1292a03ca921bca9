"""What single-purpose agents (extractor, judge) need from the world: complete a role's request.

:class:`bot.contracts.agent.TurnContext` already is one (inside a turn, metered into the turn's
usage). Outside a turn, the eval harness and tools use :class:`MeteredCompleter` over a
:class:`bot.models.ModelPool` or over explicit LLMs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.contracts.agent import UsageMeter
from bot.contracts.llm import LLM, Completion, LLMRequest, complete

if TYPE_CHECKING:
    from bot.models import ModelPool


@runtime_checkable
class Completer(Protocol):
    """Completes ``request`` with the model that does ``role``'s job."""

    async def complete(self, role: str, request: LLMRequest) -> Completion: ...


class MeteredCompleter:
    """A :class:`Completer` that resolves roles to LLMs and meters tokens and cost."""

    def __init__(self, for_role: Callable[[str], LLM], meter: UsageMeter | None = None) -> None:
        self.for_role = for_role
        self.meter = meter if meter is not None else UsageMeter()

    @classmethod
    def from_pool(cls, pool: ModelPool, meter: UsageMeter | None = None) -> MeteredCompleter:
        """Roles resolved exactly as the bot resolves them."""
        return cls(pool.for_role, meter)

    @classmethod
    def from_llms(cls, llms: dict[str, LLM], default: LLM) -> MeteredCompleter:
        """``llms[role]`` for the roles given, ``default`` for every other role."""
        return cls(lambda role: llms.get(role, default))

    async def complete(self, role: str, request: LLMRequest) -> Completion:
        llm = self.for_role(role)
        request.role = role
        result = await complete(llm, request)
        self.meter.record(llm, result.input_tokens, result.output_tokens)
        return result
