"""Budgets and limits: every cap that applies to a turn, checked before any model call.

Reserve-then-settle. Before the agent runs, :meth:`BudgetGate.admit` asks the store,
atomically across the processes sharing it, whether each cap still has room (spent in its
window plus what running turns hold, below the cap; requests: fewer than the cap in the
rate window), and if so records a hold of ``budgets.hold_tokens`` (and their price) for
the turn. When the turn ends, :meth:`BudgetGate.settle` swaps the hold for what the turn
really used. A turn's cost is only known after it, so a cap can be passed, by less than
one turn's use plus whatever turns running at that moment use beyond their holds; see
docs/operations.md.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.principals import accountable, is_admin
from bot.spaces import Space
from config import Settings
from config.budgets import Limits
from contracts.budget import BudgetAsk, BudgetCharge, BudgetLine, BudgetRefusal
from contracts.store import Store

HOLD_GRACE_S = 60.0  # a hold outlives the turn timeout by this much, then stops counting


@dataclass
class Ticket:
    """An admitted turn: its hold (none for admins) and the scopes its use is charged to."""

    hold: str | None = None
    scopes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Windows:
    """The day and month a moment falls in, where budgets reset, and when each ends."""

    day: str
    month: str
    day_ends: float
    month_ends: float

    @classmethod
    def at(cls, now: float, tz: ZoneInfo) -> Windows:
        local = datetime.fromtimestamp(now, tz)
        midnight = datetime.combine(local.date(), datetime.min.time(), tz)
        next_day = midnight + timedelta(days=1)  # wall-clock arithmetic: right across DST
        next_month = (midnight.replace(day=1) + timedelta(days=32)).replace(day=1)
        return cls(f"day:{local.date().isoformat()}", f"month:{local:%Y-%m}",
                   next_day.timestamp(), next_month.timestamp())


class BudgetGate:
    """Shared by every session of a Bot; it keeps nothing of its own between turns."""

    def __init__(self, settings: Settings, store: Store,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings, self.store, self.clock = settings, store, clock
        self.tz = ZoneInfo(settings.budgets.timezone)

    def applies(self, space: Space) -> bool:
        """Whether any cap is set for a turn in ``space`` (if not, the store is not asked)."""
        return self.settings.budgets.enabled or bool(space.budget.caps())

    def admit(self, key: str, user: str | None, space: Space) -> Ticket | BudgetRefusal:
        """Blocking (the store): a ticket for the turn, or the first cap it does not fit."""
        now = self.clock()
        lines = self.lines(key, user, space, now)
        scopes = sorted({line.scope for line in lines if line.metric != "requests"})
        if not lines or is_admin(user, space.id, self.settings.budgets.admins):
            return Ticket(None, scopes)  # admins are never refused; their use still counts
        ask = self._ask(lines, space, now)
        refusal = self.store.reserve_budget(ask)
        return refusal if refusal is not None else Ticket(ask.hold, scopes)

    def settle(self, ticket: Ticket, tokens: int, cost_usd: float) -> None:
        """Blocking: release the hold and charge what the turn used to each scope's windows."""
        if ticket.hold is None and not ticket.scopes:
            return
        w = Windows.at(self.clock(), self.tz)
        windows = [(scope, period) for scope in ticket.scopes for period in (w.day, w.month)]
        self.store.settle_budget(ticket.hold, BudgetCharge(windows=windows, tokens=tokens,
                                                           cost_usd=cost_usd))

    def lines(self, key: str, user: str | None, space: Space, now: float) -> list[BudgetLine]:
        """Every cap on this turn: the user's, the space's, then everyone's."""
        b, w = self.settings.budgets, Windows.at(now, self.tz)
        users = accountable(user, space.id)  # an API end user: the key's line too
        who = [f"user:{u}" for u in users] or [f"session:{key}"]  # no sign-in: the conversation
        scoped: list[tuple[str | None, Limits, str]] = [
            *[(scope, b.user, "budgets.user") for scope in who],
            (space.budget_scope, space.budget, space.budget_setting),
            ("global", b.global_, "budgets.global"),
        ]
        return [line for scope, limits, name in scoped if scope is not None
                for line in _lines(scope, limits, name, w)]

    def _ask(self, lines: list[BudgetLine], space: Space, now: float) -> BudgetAsk:
        tokens = self.settings.budgets.hold_tokens
        _, profile = space.settings.profile_for_role("primary")
        price = max(profile.price_in, profile.price_out) / 1_000_000
        return BudgetAsk(lines=lines, hold=secrets.token_hex(8), hold_tokens=tokens,
                         hold_cost_usd=tokens * price, now=now,
                         hold_until=now + self.settings.turn_timeout_s + HOLD_GRACE_S)


def _lines(scope: str, limits: Limits, setting: str, w: Windows) -> list[BudgetLine]:
    ends = {"day": (w.day, w.day_ends), "month": (w.month, w.month_ends)}
    out = []
    for name, metric, period, cap in limits.caps():
        window, resets = ends.get(period, ("rate", 0.0))
        out.append(BudgetLine(name=f"{setting}.{name}", scope=scope, metric=metric,
                              period=window, cap=cap, resets_at=resets,
                              window_s=limits.rate_window_s if metric == "requests" else 0.0))
    return out
