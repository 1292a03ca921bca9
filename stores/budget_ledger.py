"""The budget ledger both stores keep: reserve-then-settle, inside one locked transaction.

``reserve`` runs while the caller holds the write lock for every scope the ask touches
(SQLite: the database's; PostgreSQL: one advisory lock per scope), so two processes
checking the same budget take turns: the second sees the first one's hold. A line has
room while what was spent in its window plus what running turns hold is below its cap
(requests: while fewer than the cap were made in the rate window). ``settle`` swaps a
turn's hold for what it really used, under the same locks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from config.units import PERIODS
from contracts.budget import BudgetAsk, BudgetCharge, BudgetLine, BudgetRefusal

Sql = Callable[[str], str]  # a shared query in the store's placeholder style

COLUMN = {"tokens": "tokens", "cost_usd": "cost_usd"}  # metric -> ledger column
FORGET_HOLDS = "DELETE FROM budget_holds WHERE scope = ? AND expires_at < ?"
SPENT = "SELECT {col} FROM budget_usage WHERE scope = ? AND period = ?"
HELD = "SELECT COALESCE(SUM({col}), 0) FROM budget_holds WHERE scope = ?"
FORGET_REQUESTS = "DELETE FROM budget_requests WHERE scope = ? AND at <= ?"
REQUESTS = "SELECT COUNT(*), MIN(at) FROM budget_requests WHERE scope = ? AND at > ?"
# Every scope's stale rows, not only the asking one's: one-off scopes (an API client's
# fresh ``user`` each request, a conversation without sign-in) are never asked again.
FORGET_OLD_REQUESTS = "DELETE FROM budget_requests WHERE at <= ?"
FORGET_OLD_HOLDS = "DELETE FROM budget_holds WHERE expires_at < ?"
LONGEST_RATE_S = float(max(PERIODS.values()))  # the longest rate window there is
PRUNE_EVERY_S = 600.0  # the sweep reads the whole table: once in a while is enough
_last_prune = [float("-inf")]  # per process; a clock that goes back also sweeps
ADD_HOLD = ("INSERT INTO budget_holds (hold, scope, tokens, cost_usd, expires_at) "
            "VALUES (?, ?, ?, ?, ?)")
ADD_REQUEST = "INSERT INTO budget_requests (scope, at) VALUES (?, ?)"
DROP_HOLD = "DELETE FROM budget_holds WHERE hold = ?"
CHARGE = (
    "INSERT INTO budget_usage (scope, period, tokens, cost_usd) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (scope, period) DO UPDATE SET "
    "tokens = budget_usage.tokens + excluded.tokens, "
    "cost_usd = budget_usage.cost_usd + excluded.cost_usd"
)


def reserve(cur: Any, ask: BudgetAsk, sql: Sql) -> BudgetRefusal | None:
    """Refuse with the first line that has no room, or record the hold and the request."""
    for scope in scopes(ask):  # holds of processes that died before settling
        cur.execute(sql(FORGET_HOLDS), (scope, ask.now))
    _sweep(cur, ask.now, sql)
    for line in ask.lines:
        refusal = _requests_over(cur, line, ask.now, sql) if line.metric == "requests" else \
            _spend_over(cur, line, sql)
        if refusal is not None:
            return refusal
    held = {line.scope for line in ask.lines if line.metric != "requests"}
    for scope in sorted(held):
        cur.execute(sql(ADD_HOLD), (ask.hold, scope, ask.hold_tokens, ask.hold_cost_usd,
                                    ask.hold_until))
    for line in ask.lines:
        if line.metric == "requests":
            cur.execute(sql(ADD_REQUEST), (line.scope, ask.now))
    return None


def _sweep(cur: Any, now: float, sql: Sql) -> None:
    """Drop request rows older than any rate window, and lapsed holds, of every scope."""
    if abs(now - _last_prune[0]) < PRUNE_EVERY_S:
        return
    cur.execute(sql(FORGET_OLD_REQUESTS), (now - LONGEST_RATE_S,))
    cur.execute(sql(FORGET_OLD_HOLDS), (now,))
    _last_prune[0] = now


def _spend_over(cur: Any, line: BudgetLine, sql: Sql) -> BudgetRefusal | None:
    col = COLUMN[line.metric]
    row = cur.execute(sql(SPENT.format(col=col)), (line.scope, line.period)).fetchone()
    held = cur.execute(sql(HELD.format(col=col)), (line.scope,)).fetchone()[0]
    used = float(row[0] if row else 0) + float(held)
    return BudgetRefusal(line=line, used=used, resets_at=line.resets_at) \
        if used >= line.cap else None


def _requests_over(cur: Any, line: BudgetLine, now: float, sql: Sql) -> BudgetRefusal | None:
    since = now - line.window_s
    cur.execute(sql(FORGET_REQUESTS), (line.scope, since))
    count, oldest = cur.execute(sql(REQUESTS), (line.scope, since)).fetchone()
    if count + 1 <= line.cap:
        return None
    resets = float(oldest if oldest is not None else now) + line.window_s
    return BudgetRefusal(line=line, used=float(count), resets_at=resets)


def settle(cur: Any, hold: str | None, charge: BudgetCharge, sql: Sql) -> None:
    """Release the hold; add the turn's tokens and cost to each of its windows."""
    if hold is not None:
        cur.execute(sql(DROP_HOLD), (hold,))
    for scope, period in charge.windows:
        cur.execute(sql(CHARGE), (scope, period, charge.tokens, charge.cost_usd))


def scopes(ask_or_charge: BudgetAsk | BudgetCharge) -> list[str]:
    """The scopes whose locks the transaction must hold, in one order (no deadlock)."""
    if isinstance(ask_or_charge, BudgetAsk):
        return sorted({line.scope for line in ask_or_charge.lines})
    return sorted({scope for scope, _ in ask_or_charge.windows})
