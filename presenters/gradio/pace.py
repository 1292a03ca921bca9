"""When an answer's changes go to the page. Pure: imports no gradio.

Every update the page gets costs the server a full pass over the chat (Gradio's
postprocessing, a diff against the last update, a server-sent event), so an answer sends at
most one per ``interval_s``: the changes in between ride along with the next one. A change
nothing follows (the last words before a slow tool call, the closing usage and turn id) is
not left waiting for an event: the stream wakes when the interval is up and shows it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Pace:
    """The updates of one answer: ``due`` says when, ``shown`` records one sent."""

    interval_s: float
    clock: Callable[[], float] = time.monotonic
    shown_at: float = -math.inf
    shown_version: int = 0

    def due(self, version: int) -> bool:
        """Whether the changes up to ``version`` go to the page now."""
        return version != self.shown_version and self.clock() - self.shown_at >= self.interval_s

    def shown(self, version: int) -> None:
        self.shown_at, self.shown_version = self.clock(), version

    def wait_s(self, version: int) -> float | None:
        """How long to wait for the next event before showing what is pending; None when
        nothing is (wait as long as the answer takes)."""
        if version == self.shown_version:
            return None
        return max(0.0, self.interval_s - (self.clock() - self.shown_at))
