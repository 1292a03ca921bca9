"""UTC days and months as the usage rollups count them, and how a report's window splits.

A day is a number: the UTC days since 1970-01-01. An answer belongs to the day
``floor(created_at / 86400)``, computed exactly (the SQL in ``usage_dims.DAY_SQL`` gives the
same number), so a day's rollup holds precisely the answers with
``day * 86400 <= created_at < (day + 1) * 86400``. A month is named by the number of its
first day.

A window ``[start, until)`` is read in up to five slices: the answers of the partial first
day from the turns table, whole days from the daily rollups up to the first whole month,
whole months from the monthly rollups, whole days again up to the last midnight, and the
partial last day (today, for a window that ends now) from the turns table again.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

DAY_S = 86400
_EPOCH = dt.date(1970, 1, 1)


def day_of(created_at: float) -> int:
    """The UTC day of a timestamp: exactly ``floor(created_at / 86400)``."""
    day = math.floor(created_at / DAY_S)
    return day - 1 if day * DAY_S > created_at else day  # the division rounded up to midnight


def day_name(day: int) -> str:
    """``YYYY-MM-DD``, as ``bot stats --by day`` names a day."""
    return (_EPOCH + dt.timedelta(days=day)).isoformat()


def month_of(day: int) -> int:
    """The first day of the day's month."""
    date = _EPOCH + dt.timedelta(days=day)
    return (date.replace(day=1) - _EPOCH).days


def next_month(month: int) -> int:
    """The first day of the month after the one starting on ``month``."""
    date = _EPOCH + dt.timedelta(days=month)
    following = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
    return (following - _EPOCH).days


def periods(day: int) -> tuple[tuple[str, int], tuple[str, int]]:
    """The rollup periods a day counts in: itself (``'d'``) and its month (``'m'``)."""
    return ("d", day), ("m", month_of(day))


Range = tuple[float, float]  # [low, high) of created_at, or of day numbers


@dataclass
class WindowPlan:
    """Where each slice of a window is read: the turns table, daily or monthly rollups."""

    raw: list[Range] = field(default_factory=list)  # created_at ranges read from the turns
    days: list[tuple[int, int]] = field(default_factory=list)  # [first, end) day numbers
    months: list[tuple[int, int]] = field(default_factory=list)  # [first, end) month starts


def plan_window(start: float, until: float, months: bool = True) -> WindowPlan:
    """Split ``[start, until)``; with ``months=False`` whole days stay daily (``--by day``)."""
    first = day_of(start)
    if first * DAY_S < start:
        first += 1  # the first midnight >= start
    last = day_of(until)  # the last midnight <= until
    if first >= last:
        return WindowPlan(raw=[(start, until)] if start < until else [])
    plan = WindowPlan(raw=[r for r in ((start, first * DAY_S), (last * DAY_S, until))
                           if r[0] < r[1]])
    m_first = first if month_of(first) == first else next_month(month_of(first))
    m_last = month_of(last)
    if not months or m_first >= m_last:
        plan.days = [(first, last)]
        return plan
    plan.days = [d for d in ((first, m_first), (m_last, last)) if d[0] < d[1]]
    plan.months = [(m_first, m_last)]
    return plan
