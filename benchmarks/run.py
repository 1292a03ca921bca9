"""Run benchmarks and write each one's section of docs/benchmarks.md.

``python -m benchmarks.run`` runs all; ``python -m benchmarks.run NAME ...`` runs some and
leaves the other sections as they were. Each module exposes ``run() -> str`` (Markdown).
"""

from __future__ import annotations

import importlib
import re
import sys
import time
from pathlib import Path

from benchmarks.stamp import load_average, stamp

BENCHMARKS = [
    "session_overhead",
    "embedded_tokens",
    "embedded_build",
    "cli_startup",
    "eval_throughput",
    "extractor_paths",
    "stats_queries",
    "tracing_overhead",
    "slack_ack",
    "slack_channels",
    "store_throughput",
    "budget_overhead",
    "gradio_latency",
    "gradio_crowd",
    "api_latency",
    "api_floor",
    "kb_embed",
    "kb_retrieval",
    "kb_ray",
    "kb_ingest_speed",
    "ingest_gil",
    "sources_sync",
    "sources_overhead",
    "kb_hybrid_eval",
    "kb_git_eval",
    "kb_generalize",
    "mcp_calls",
    "honest_answers",
    "quoted_sections",
    "serve_replicas",
    "github_pool",
    "verdict_shape",
    "access_filter",
    "access_revocation",
    "access_probes",
]
PAGE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Every figure is measured side by side with its baseline in the same process or script, on
the machine named in each section, and reported as a ratio. Run `make bench` (or
`make bench ONLY="name ..."`) to refresh; CI never runs these. Each section is stamped with the
commit, date, CPU, cores and load average it was measured at; `make bench-stale` lists the
sections whose code has changed since.
"""


def _marker(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def replace_section(page: str, name: str, body: str) -> str:
    start, end = _marker(name)
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(page):
        return pattern.sub(lambda _: block, page)
    return page.rstrip() + "\n\n" + block + "\n"


def main(names: list[str]) -> int:
    for name in names or BENCHMARKS:
        started, load = time.perf_counter(), load_average()
        print(f"running {name} ...", flush=True)
        body = importlib.import_module(f"benchmarks.{name}").run()
        stamped = stamp(load, time.perf_counter() - started).markdown()
        # Read the page only now: a long benchmark must not undo edits made while it ran.
        page = PAGE.read_text() if PAGE.exists() else HEADER
        PAGE.write_text(replace_section(page, name, f"{body}\n\n{stamped}"))
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
