"""Every door fuzzed at a bigger size than CI's: ``python -m benchmarks.fuzz_doors [N]``.

Runs ``tests/fuzz`` with ``FUZZ_EXAMPLES=N`` (default 200) and fresh random cases
(``FUZZ_RANDOM``), then prints, per door, the requests sent and whether its checks held.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

DEFAULT_EXAMPLES = 200


def run(examples: int = DEFAULT_EXAMPLES) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "fuzz.jsonl"
        env = {**os.environ, "FUZZ_EXAMPLES": str(examples), "FUZZ_RANDOM": "1",
               "FUZZ_REPORT": str(report)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "tests/fuzz", "-q",
                        "-p", "no:cacheprovider"], env=env, check=False)
        seconds = time.perf_counter() - started
        lines = [json.loads(x) for x in report.read_text().splitlines()] \
            if report.exists() else []
    return table(lines, examples, seconds)


def table(lines: list[dict[str, object]], examples: int, seconds: float) -> str:
    doors: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        doors[str(line["door"])][0] += int(str(line["requests"]))
        doors[str(line["door"])][1] += 0 if line["passed"] else 1
    rows = [f"| {door} | {n:,} | {'held' if not failed else 'FAILED'} |"
            for door, (n, failed) in sorted(doors.items())]
    return ("| door | requests | checks |\n|---|---|---|\n" + "\n".join(rows)
            + f"\n\n{examples} cases per test, {seconds:.0f} s in all.\n")


if __name__ == "__main__":
    sys.stdout.write(run(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_EXAMPLES))
