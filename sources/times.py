"""Times as the services write them (ISO 8601 / RFC 3339, ``Z`` or an offset), tz-aware:
GitHub, Confluence, Notion and Drive all send ``2026-01-02T10:00:00.000Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_time(text: str) -> datetime:
    """``text`` as a tz-aware datetime (a time with no offset is taken as UTC)."""
    when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def maybe_time(text: Any) -> datetime | None:
    """Like :func:`parse_time`; None when the answer had no time."""
    return parse_time(str(text)) if text else None
