"""`bot --help` wall time against `python -c pass`, run alternately in one script."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - started


def run() -> str:
    baseline, bot = [], []
    for _ in range(RUNS):  # alternate so both see the same machine state
        baseline.append(_time([sys.executable, "-c", "pass"]))
        bot.append(_time([sys.executable, "-m", "apps.cli.main", "--help"]))
    b, m = statistics.median(baseline), statistics.median(bot)
    return (
        "## Fast start: `bot --help` vs `python -c pass`\n\n"
        f"| command | median of {RUNS} | ratio |\n|---|---|---|\n"
        f"| `python -c pass` | {b * 1000:.0f} ms | 1.0× |\n"
        f"| `bot --help` | {m * 1000:.0f} ms | {m / b:.1f}× |\n\n"
        "`bot --help` imports no gradio, slack_bolt, chromadb, llama_cpp or ray "
        "(tests/unit/test_fast_start.py checks it)."
    )
