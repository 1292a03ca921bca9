"""Changes a service announced (webhooks), folded into one that a sync can apply alone.

A change names only what it touched, so it is trusted only when it starts exactly where the
source stands: its ``before`` cursor is the stored one (or the ``after`` of the change just
before it). A missed or repeated delivery, a source never synced or synced since to another
commit breaks that chain; then only a full listing can say what changed, and the engine
does one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sources.model import Change


def chained(changes: Sequence[Change], cursor: Mapping[str, str]) -> Change | None:
    """``changes`` (in the order they happened) as one change from ``cursor``; None when
    any of them does not start where the previous one left the source."""
    if not changes:
        return None
    now = dict(cursor)
    present: set[str] = set()
    removed: set[str] = set()
    for change in changes:
        if any(now.get(key) != value for key, value in change.before.items()):
            return None
        present = (present - change.removed) | change.present
        removed = (removed - change.present) | change.removed
        now.update(change.after)
    return Change(frozenset(present), frozenset(removed), dict(cursor), now)
