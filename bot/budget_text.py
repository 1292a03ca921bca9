"""The sentence a user reads when a budget refuses a turn: which limit, when it resets and
who can raise it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from config.units import PERIOD_NAMES
from contracts.budget import BudgetRefusal

PLACE_WORDS = {"slack": "this channel's", "gradio": "this login's", "api": "this API key's",
               "terminal": "this terminal's", "mcp": "this client's"}


def refusal_message(refusal: BudgetRefusal, contact: str, now: float, tz: ZoneInfo) -> str:
    """E.g. "Sorry — your daily token budget (200,000 tokens) is used up, so I can't answer
    now. It resets at midnight UTC, in 3 h 12 min. To raise it, ask #bot-admins." """
    line = refusal.line
    whose = owner(line.scope)
    raise_it = f"To raise it, ask {contact}."
    wait = duration(refusal.resets_at - now)
    if line.metric == "requests":
        period = PERIOD_NAMES.get(int(line.window_s), f"{int(line.window_s)} s")
        return (f"Sorry — {whose} limit of {int(line.cap):,} requests a {period} is reached, "
                f"so I can't answer now. You can ask again in {wait}. {raise_it}")
    tokens = int(line.cap)
    amount = f"${line.cap:,.2f}" if line.metric == "cost_usd" else \
        f"{tokens:,} token{'' if tokens == 1 else 's'}"
    kind = "spending" if line.metric == "cost_usd" else "token"
    daily = line.period.startswith("day:")
    return (f"Sorry — {whose} {'daily' if daily else 'monthly'} {kind} budget ({amount}) is "
            f"used up, so I can't answer now. It resets {when(refusal.resets_at, daily, tz)}, "
            f"in {wait}. {raise_it}")


def owner(scope: str) -> str:
    """Whose budget, in words: "your", "the "support" space's", "this channel's", …"""
    kind, _, rest = scope.partition(":")
    if kind in ("user", "session"):
        return "your"
    if kind == "place":  # a space in no [spaces] entry: "place:slack:C0123" (stored prefix)
        return PLACE_WORDS.get(rest.partition(":")[0], "this space's")
    if kind == "space":
        return f'the "{rest}" space\'s'
    return "the bot's overall"


def when(at: float, daily: bool, tz: ZoneInfo) -> str:
    if daily:
        return f"at midnight {tz.key}"
    moment = datetime.fromtimestamp(at, tz)
    return f"on {moment.day} {moment:%B %Y} at 00:00 {tz.key}"


def duration(seconds: float) -> str:
    """A wait in words: "42 s", "12 min", "3 h 12 min", "5 days"."""
    s = max(1, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{round(s / 60)} min"
    if s < 2 * 86_400:
        hours, minutes = divmod(round(s / 60), 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(s / 86_400)} days"
