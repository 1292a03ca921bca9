"""Whether a turn may start: its budgets checked before any model call, and what the user
reads when one refuses it (see :mod:`bot.budgets` and docs/operations.md)."""

from __future__ import annotations

import asyncio
import time

import structlog

from bot.budget_text import refusal_message
from bot.budgets import BudgetGate, Ticket
from bot.failures import could_not_start, new_error_id
from bot.spaces import Space
from contracts.budget import BudgetRefusal
from contracts.events import Done, Error, Event
from contracts.store import Store

log = structlog.get_logger("bot.session")


Admission = Ticket | BudgetRefusal | list[Event]  # list: the polite error to show instead


async def check(gate: BudgetGate, key: str, user: str | None, space: Space) -> Admission:
    """Ask the budgets (a ticket holds room for the turn), before anything is stored; a
    failing check is the polite error (then no model is called either)."""
    if not gate.applies(space):
        return Ticket()
    try:
        return await asyncio.to_thread(gate.admit, key, user, space)
    except Exception as exc:
        return could_not_start("budget_check_failed", key, exc)


async def admit(gate: BudgetGate, store: Store, key: str, user: str | None, space: Space,
                user_turn: int, checked: Admission | None = None) -> Ticket | list[Event]:
    """A ticket for the turn, or the events to show instead: the refusal (the stored user
    turn is flagged with the cap), or a polite error when the budgets cannot be checked
    (then no model is called either, so a cap is never passed unseen). ``checked``: the
    answer of an earlier :func:`check` for this turn."""
    admitted = checked if checked is not None else await check(gate, key, user, space)
    if not isinstance(admitted, BudgetRefusal):
        return admitted
    try:
        await asyncio.to_thread(store.refuse_turn, user_turn, admitted.line.name)
    except Exception as exc:
        return could_not_start("budget_check_failed", key, exc)
    return refused(gate, admitted, key, user, space)


def refused(gate: BudgetGate, refusal: BudgetRefusal, key: str, user: str | None,
            space: Space) -> list[Event]:
    error_id, line = new_error_id(), refusal.line
    log.info("budget_refused", session=key, user=user, space=space.id, limit=line.name,
             scope=line.scope, used=refusal.used, cap=line.cap, error_id=error_id)
    message = refusal_message(refusal, gate.settings.budgets.contact, time.time(), gate.tz)
    return [Error(message=message, error_id=error_id, retryable=False, reason="budget"),
            Done(turn_id=None, text="", interrupted=False)]
