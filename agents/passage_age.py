"""How old a passage is, in words the model reads beside it ("last changed 2026-03-02,
3 months ago"), from the ISO 8601 time its source gave."""

from __future__ import annotations

from datetime import UTC, datetime

UNITS = ((365, "year"), (30, "month"), (7, "week"), (1, "day"))


def age_note(modified: str, now: datetime | None = None) -> str:
    """`` (last changed DATE, N units ago)``, or "" when the time is unknown or unreadable."""
    if not modified:
        return ""
    try:
        when = datetime.fromisoformat(modified)
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    days = ((now or datetime.now(UTC)) - when).days
    return f" (last changed {when.date().isoformat()}, {_ago(days)})"


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    for size, unit in UNITS:
        if days >= size:
            n = days // size
            return f"{n} {unit}{'s' if n > 1 else ''} ago"
    return "today"
