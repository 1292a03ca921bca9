"""The Markdown of the ingestion benchmark's section (see :mod:`benchmarks.kb_ingest_speed`)."""

from __future__ import annotations

from typing import Any

from benchmarks.kb_ingest_speed import BASE, SLICES, Timed


def _row(label: str, pages: int, t: Timed) -> str:
    return (f"| {label} | {pages} | {t.chunks} | {t.wall:.0f} s | {t.chunks / t.wall:.1f} | "
            f"{t.cpu:.0f} | {t.chunks / t.cpu:.1f} |")


def end_to_end(results: dict[str, Any]) -> list[str]:
    lines = ["| manual, pipeline | pages | passages | wall | passages/s | CPU s | "
             "passages per CPU-second |", "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        before, now = r["before"], r["now"]
        lines += [_row(f"{name}: before this round", r["pages"], before),
                  _row(f"{name}: now", r["pages"], now),
                  f"| {name}: now / before | | | **{before.wall / now.wall:.2f}× faster** | | "
                  f"{before.cpu / now.cpu:.2f}× less CPU | |"]
    return lines


def quality_rows(quality: dict[str, Any]) -> list[str]:
    lines = ["| configuration | before: hit@4 / MRR@4 | now: hit@4 / MRR@4 |", "|---|---|---|"]
    for name, (hit, mrr, n) in quality["now"].items():
        b = quality["before"].get(name, (float("nan"), float("nan"), n))
        lines.append(f"| {name} ({n} q.) | {b[0]:.3f} / {b[1]:.3f} | {hit:.3f} / {mrr:.3f} |")
    return lines


def floor_rows(floor: dict[str, Any], pipeline: Timed) -> list[str]:
    ranked = sorted(floor["settings"].items(), key=lambda kv: -kv[1][0])
    lines = ["| embedder alone, setting | passages/s | passages per CPU-second |",
             "|---|---|---|"]
    lines += [f"| {name} | {rate:.1f} | {per_cpu:.1f} |" for name, (rate, per_cpu) in ranked]
    best, best_cpu = ranked[0][1][0], max(v[1] for v in floor["settings"].values())
    rate, per_cpu = pipeline.chunks / pipeline.wall, pipeline.chunks / pipeline.cpu
    lines += ["", f"The whole pipeline now (PostgreSQL, end to end) against the floor: "
              f"{rate:.1f} / {best:.1f} passages/s = **{rate / best:.2f}× the floor** in wall "
              f"time; {per_cpu:.1f} / {best_cpu:.1f} passages per CPU-second = "
              f"{per_cpu / best_cpu:.2f}× in CPU."]
    return lines


def stage_rows(stages: dict[str, Any]) -> list[str]:
    cpu, n = stages["cpu"], stages["passages"]
    total = sum(cpu.values())
    lines = ["| stage (pipeline now) | CPU s | ms per passage | share |", "|---|---|---|---|"]
    lines += [f"| {k} | {v:.2f} | {1000 * v / n:.2f} | {100 * v / total:.0f} % |"
              for k, v in cpu.items()]
    return lines


def render(results: dict[str, Any], quality: dict[str, Any], floor: dict[str, Any],
           stages: dict[str, Any], load: list[float], every: int) -> str:
    scope = "whole manuals" if every == 1 else f"every {every}th page only (a partial run)"
    pg = next(iter(results.values()))["now"]
    return "\n".join([
        f"## Knowledge base: ingestion end to end, before this round and now ({scope})",
        "",
        f"`ingest` (hybrid: Chroma + FTS5) into a fresh data dir, the pipeline as it was "
        f"before this round (commit {BASE[:10]}) and as it is now, each in its own child "
        f"process, taking turns over {SLICES} slices of the pages (who goes first "
        "alternates). CPU is the children's user + system seconds. 1-minute load average "
        f"of the shared machine at the start and after each slice: "
        f"{', '.join(f'{x:.1f}' for x in load)}.",
        "", *end_to_end(results), "",
        "Retrieval quality of the two PostgreSQL collections (the project's questions):",
        "", *quality_rows(quality), "",
        f"The floor: the embedder alone (ONNX Runtime, int8 model) on {floor['passages']} "
        "passages of the manual, each setting's best of 2 interleaved rounds:",
        "", *floor_rows(floor, pg), "",
        f"Where the CPU goes, each stage run on its own over {stages['passages']} passages "
        "(a sample of the manual):", "", *stage_rows(stages),
    ])
