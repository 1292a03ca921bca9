"""How hard each fuzz test tries: small in CI (seconds), bigger on request.

``FUZZ_EXAMPLES`` sets the cases per door (default 20; not ``BOT_``-prefixed, which
the test setup clears); ``benchmarks/fuzz_doors.py``
runs the doors at a bigger size and reads the counts each test appends to the file named
by ``FUZZ_REPORT``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    """No deadline (a busy machine is slow, not wrong), no example database, the same
    cases every run unless ``FUZZ_RANDOM`` is set (CI repeats itself; a bigger run
    explores), and no health check that would fail a slow door."""
    return settings(max_examples=examples, deadline=None, database=None,
                    derandomize=os.environ.get("FUZZ_RANDOM") is None,
                    suppress_health_check=list(HealthCheck))


class Tally:
    """Requests sent through one door, for the report."""

    def __init__(self, door: str) -> None:
        self.door, self.requests = door, 0

    def __enter__(self) -> Tally:
        return self

    def __exit__(self, *exc: object) -> None:
        path = os.environ.get("FUZZ_REPORT")
        if path:
            line = {"door": self.door, "requests": self.requests, "passed": exc[0] is None}
            with Path(path).open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
