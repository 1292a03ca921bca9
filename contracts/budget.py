"""What the store needs to enforce budgets across processes: the caps a turn must fit under,
the hold it takes while it runs, and what it really used once it is over.

The composition root (``bot.budgets``) decides which caps apply and words the refusal;
the store checks and records them atomically, so that processes sharing it see one ledger.
"""

from __future__ import annotations

from pydantic import BaseModel

from config.budgets import Metric


class BudgetLine(BaseModel):
    """One cap, as the store checks it."""

    model_config = {"frozen": True}

    name: str  # the setting, e.g. "budgets.user.tokens_per_day" (for messages and logs)
    scope: str  # whose use counts: "user:alice", "space:support", "global"
    metric: Metric
    period: str  # the ledger window, e.g. "day:2025-06-01", "month:2025-06", or "rate"
    cap: float
    resets_at: float = 0.0  # when the day or month window ends
    window_s: float = 0.0  # requests: the rate's period; those made within it count


class BudgetAsk(BaseModel):
    """A turn asking to start: admitted when every line has room, then held until settled."""

    lines: list[BudgetLine]
    hold: str  # this turn's hold id
    hold_tokens: int
    hold_cost_usd: float
    hold_until: float  # a hold a dead process never settled stops counting then
    now: float


class BudgetRefusal(BaseModel):
    """The first line a turn did not fit under, with what was used and when room comes back."""

    line: BudgetLine
    used: float
    resets_at: float


class BudgetCharge(BaseModel):
    """What a finished turn used, added to each (scope, period) window of the ledger."""

    windows: list[tuple[str, str]]
    tokens: int
    cost_usd: float
