"""The line under each section of docs/benchmarks.md: what was measured, where and when.

A figure is only as good as what it says of itself: the commit it measured (``+changes``
when the tree had uncommitted edits), the date, the CPU model and cores, and the load
average before and after (a busy machine shows up here, not as a mystery in the ratios).
The HTML comment carries the same facts for ``python -m benchmarks.stale``.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = re.compile(r"<!-- measured: commit=(?P<commit>[0-9a-f]+)(?P<dirty>\+changes)? "
                  r"date=(?P<date>\S+) -->")


@dataclass(frozen=True)
class Stamp:
    commit: str
    dirty: bool
    date: str
    cpu: str
    cores: int
    load_before: float
    load_after: float
    seconds: float

    def markdown(self) -> str:
        tree = f"{self.commit}{' with uncommitted changes' if self.dirty else ''}"
        return (f"<!-- measured: commit={self.commit}{'+changes' if self.dirty else ''} "
                f"date={self.date} -->\n_Measured {self.date} at commit {tree} on {self.cpu} "
                f"({self.cores} cores), load average {self.load_before:.2f} before and "
                f"{self.load_after:.2f} after, Python {platform.python_version()}; "
                f"{self.seconds:.0f} s to run._")


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _edited() -> bool:
    """Uncommitted edits to anything but the page itself (which each run rewrites)."""
    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    return any(not line.endswith("docs/benchmarks.md") for line in changed)


def stamp(load_before: float, seconds: float) -> Stamp:
    """The stamp for a section measured just now, which started at ``load_before``."""
    return Stamp(commit=git("rev-parse", "--short=10", "HEAD") or "unknown",
                 dirty=_edited(),
                 date=time.strftime("%Y-%m-%d"), cpu=cpu_model(), cores=os.cpu_count() or 0,
                 load_before=load_before, load_after=load_average(), seconds=seconds)
