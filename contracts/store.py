"""The store contract shared by SQLite and PostgreSQL: the records and the protocol."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from contracts.budget import BudgetAsk, BudgetCharge, BudgetRefusal
from contracts.events import Source


class AssistantTurn(BaseModel):
    """Everything recorded about one answer."""

    text: str
    user: str | None = None  # who asked: the user turn's user, repeated for analytics
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    backend: str | None = None
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float | None = None
    ttft_s: float | None = None
    error_id: str | None = None
    interrupted: bool = False


class TurnRecord(AssistantTurn):
    """A stored turn of either side; user turns leave the answer-only fields empty."""

    id: int
    key: str
    role: Literal["user", "assistant"]
    space: str | None = None  # where it was asked: "slack:C0123", "gradio:alice", …
    refused: str | None = None  # a user turn no model saw: the budget setting that refused it
    created_at: float = 0.0


class FeedbackRecord(BaseModel):
    id: int
    turn_id: int
    score: int
    comment: str | None = None
    user: str | None = None


class Store(Protocol):
    """Synchronous and thread-safe; the Session calls it from a worker thread."""

    def add_user_turn(
        self, key: str, text: str, user: str | None = None, space: str | None = None
    ) -> int: ...
    def refuse_turn(self, turn_id: int, limit: str) -> None:
        """Flag a stored user turn as refused by ``limit`` (it gets no answer)."""
    def add_assistant_turn(self, key: str, turn: AssistantTurn) -> int: ...
    def history(self, key: str, limit: int | None = None) -> list[TurnRecord]: ...
    def turn(self, turn_id: int) -> TurnRecord | None: ...
    def reset(self, key: str) -> None: ...
    def supersede_from(self, key: str, turn_id: int) -> None: ...
    def add_feedback(
        self, turn_id: int, score: int, comment: str | None = None, user: str | None = None
    ) -> int: ...
    def feedback(self, turn_id: int) -> list[FeedbackRecord]: ...
    def claim_event(self, event_id: str, owner: str = "", lease_s: float | None = None) -> bool:
        """Claim a platform event for ``owner``. True when it was unclaimed, or claimed by a
        holder that stopped renewing it more than ``lease_s`` seconds ago (None: never)."""
        ...
    def renew_event(self, event_id: str, owner: str) -> bool:
        """Extend ``owner``'s claim; False when it is no longer theirs."""
        ...
    def finish_event(self, event_id: str) -> None: ...
    def release_event(self, event_id: str, owner: str | None = None) -> None:
        """Drop an in-flight claim (``owner``'s only, when given) so a retry may run it."""
        ...
    def keys(self) -> list[str]: ...
    def reserve_budget(self, ask: BudgetAsk) -> BudgetRefusal | None:
        """Atomically across processes: refuse, or record the hold and the request."""
    def settle_budget(self, hold: str | None, charge: BudgetCharge) -> None:
        """Release ``hold`` and add what the turn really used to the ledger."""
    def close(self) -> None: ...

