"""What a Slack source remembers between listings, kept in its cursor (strings only).

``full_at``: when the channels were last read in full; ``channel:<id>``: the newest top-level
message ``ts`` seen there; ``threads:<id>``: every thread known in that channel with its
version, as JSON (about 40 bytes a thread), so that a listing which reads only the recent
part of a channel can still name every thread.
"""

from __future__ import annotations

import json
import time

FULL_AT = "full_at"


def full_due(cursor: dict[str, str], every_h: float) -> bool:
    """True when no full listing finished within ``every_h`` hours."""
    try:
        last = float(cursor.get(FULL_AT, "0") or 0)
    except ValueError:
        last = 0.0
    return time.time() - last >= every_h * 3600


def oldest(cursor: dict[str, str], channel_id: str, lookback_days: float) -> str | None:
    """Where a listing between full ones starts reading the channel; None: read it whole."""
    seen = cursor.get(f"channel:{channel_id}")
    if not seen or f"threads:{channel_id}" not in cursor:
        return None
    return f"{float(seen) - lookback_days * 86400:.6f}"


def known_threads(cursor: dict[str, str], channel_id: str) -> dict[str, str]:
    """``{thread ts: version}`` remembered for the channel (empty when unreadable)."""
    try:
        known = json.loads(cursor.get(f"threads:{channel_id}", "{}"))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in known.items()} if isinstance(known, dict) else {}


def remember(cursor: dict[str, str], channel_id: str, newest: str,
             threads: dict[str, str]) -> None:
    """Writes the channel's newest ts and its threads into ``cursor``."""
    if newest:
        cursor[f"channel:{channel_id}"] = newest
    cursor[f"threads:{channel_id}"] = json.dumps(threads, separators=(",", ":"))
