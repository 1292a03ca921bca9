"""Leak probes through every presenter at scale: ``ACCESS_PROBES`` questions in all
(default 10,000), split evenly over the terminal, Gradio, Slack, the API and MCP, asked in
conversations of three (the first new, the rest continued; Slack threads asked by a new
member each turn), half about a restricted document the asker may read, half about one they
may not. The model repeats every canary it was given, so a passage that reached it, the
sources list, a tool step or the API's ``bot`` field shows in what the presenter rendered.
Eight documents share each subject, so an unfiltered top 4 holds only some of them: recall
then shows whether filtering inside the search (before top-k) finds the asker's own. A
short run with ``[access]`` off first shows the probes do see a leak when nothing filters.
See benchmarks/probe_presenters.py."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.probe_world import Tally

TURNS = 3
DOCS, CROWD = 96, 8  # 12 subjects, each shared by 8 documents with different readers


def run() -> str:
    import structlog

    from benchmarks.probe_presenters import DRIVERS, run_presenter
    from benchmarks.probe_world import build, unfiltered_found

    total = int(os.environ.get("ACCESS_PROBES", "10000"))
    only = os.environ.get("ACCESS_PROBES_ONLY", "").split() or list(DRIVERS)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rows, checks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        probes = build(Path(tmp), seed=20, n_docs=DOCS, crowd=CROWD)
        off = probes.settings.access.model_copy(update={"enabled": False})
        unfiltered = replace(probes, settings=probes.settings.model_copy(update={"access": off}))
        for name in only:
            checks.append((name, run_presenter(name, unfiltered, 12, TURNS).leaks))
            tally = run_presenter(name, probes, total // len(only), TURNS)
            rows.append((tally, unfiltered_found(probes, tally.authorised)))
    return _report(rows, checks)


def _report(rows: list[tuple[Tally, int]], checks: list[tuple[str, int]]) -> str:
    lines = ["| presenter | probes | leaks | authorised: found filtered | unfiltered | time | "
             "probes/s |", "|---|---|---|---|---|---|---|"]
    for t, plain in rows:
        n = len(t.authorised)
        lines.append(f"| {t.presenter} | {t.probes:,} | **{t.leaks}** | {t.found:,}/{n:,} | "
                     f"{plain:,}/{n:,} | {t.seconds:.0f} s | {t.probes / t.seconds:.1f} |")
    probes = sum(t.probes for t, _ in rows)
    leaks = sum(t.leaks for t, _ in rows)
    seen = ", ".join(f"{name} {n}" for name, n in checks)
    return (f"## Access: leak probes through every presenter\n\n"
            f"{probes:,} probes over {DOCS} documents ({DOCS // CROWD} subjects, {CROWD} "
            f"documents with different readers each) in conversations of {TURNS} (new, then "
            f"continued), half about "
            f"a restricted document the asker may read, half about one they may not; a model "
            f"that repeats every canary it was given. **{leaks} leaks.** Recall: an authorised "
            f"probe's document in what its asker was shown, against an unfiltered search's "
            f"top 4 for the same questions.\n\n" + "\n".join(lines) + "\n\n"
            f"With `[access]` off, 12 probes per presenter show canaries their askers may not "
            f"read ({seen}): the probes see a leak when nothing filters.\n")


if __name__ == "__main__":
    print(run())
