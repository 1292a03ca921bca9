"""Reading Slack's interaction payloads defensively: a field of the wrong shape is missing.

Slack signs what it sends, but the shapes vary by surface and version (``user`` without
``team_id``, a ``message`` absent from a modal, ``value`` absent from some buttons); a
listener that assumed a shape failed with a traceback instead of doing nothing.
"""

from __future__ import annotations

from typing import Any

MAX_ID_DIGITS = 18  # a turn id; int() of thousands of digits is refused (and slow)


def text_at(body: Any, *path: str) -> str:
    """The string at ``body[path[0]][path[1]]…``, or ``""`` when any step is not there."""
    for key in path:
        body = body.get(key) if isinstance(body, dict) else None
    return body if isinstance(body, str) else ""


def turn_id_of(action: Any) -> int | None:
    """The turn id a feedback button carries as its value, or ``None``."""
    value = text_at(action, "value")
    if not value.isascii() or not value.isdigit() or len(value) > MAX_ID_DIGITS:
        return None
    return int(value)
