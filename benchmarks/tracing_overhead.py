"""Tracing off vs on: the same turn through ``Session``, side by side.

A scripted model (no network) answers "How do I connect Slack?" by calling a tool, then
writing a 40-chunk answer: two agent steps, two model calls, one tool call, so a traced
turn makes six spans. Three bots share one machine and alternate turns: tracing off (the
default), tracing on with the SDK's batch processor and an in-memory exporter (the span
work the bot does; no network), and the same with the exporter sending OTLP/HTTP to a
loopback receiver. A fourth figure, the hooks alone: what the span calls of one turn cost
with tracing off, timed in a loop.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from config import Settings, load_settings
from config.sections import TracingSettings
from contracts.tracing import NO_SPAN
from tests.fakes.otlp_receiver import otlp_receiver
from tests.fakes.team_usage import ask, team_bot

RUNS = 200
WARMUP = 10
HOOKS_PER_TURN = 6  # turn, 2 steps, 2 model calls, 1 tool call


def _turn_s(bot: object, n: int) -> float:
    started = time.perf_counter()
    asyncio.get_event_loop().run_until_complete(
        ask(bot, f"slack:T1:C1:{n}", "How do I connect Slack?", "ada"))  # type: ignore[arg-type]
    return time.perf_counter() - started


def _bots(settings: Settings, url: str) -> dict[str, object]:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from bot.otel import OtelTracer

    on = TracingSettings(enabled=True, endpoint=url)
    memory = OtelTracer(on, InMemorySpanExporter())
    return {"off": team_bot(settings),
            "on, in-memory exporter": team_bot(_with(settings, on), memory),
            "on, OTLP/HTTP to loopback": team_bot(_with(settings, on))}


def _with(settings: Settings, tracing: TracingSettings) -> Settings:
    return settings.model_copy(update={"tracing": tracing})


def hooks_s() -> float:
    """Seconds the span calls of one turn cost with tracing off."""
    loops = 100_000
    started = time.perf_counter()
    for _ in range(loops):
        for _ in range(HOOKS_PER_TURN):
            with NO_SPAN.child("x") as span:
                span.set("k", 1)
    return (time.perf_counter() - started) / loops


def run() -> str:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp, otlp_receiver() as (url, received):
        settings = load_settings(data_dir=Path(tmp), tools=[], agent="tools")
        bots = _bots(settings, url)
        times: dict[str, list[float]] = {name: [] for name in bots}
        for n in range(WARMUP + RUNS):
            for name, bot in bots.items():
                took = _turn_s(bot, n)
                if n >= WARMUP:
                    times[name].append(took)
        for bot in bots.values():
            loop.run_until_complete(bot.aclose())  # type: ignore[attr-defined]
    loop.close()
    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["off"]
    rows = [f"| {k} | {1000 * v:.2f} ms | {v / base:.2f}× |" for k, v in medians.items()]
    return "\n".join([
        "## Tracing: a turn with tracing off vs on",
        "",
        f"Median of {RUNS} alternating turns per bot (after {WARMUP} warm-ups), a scripted "
        "model calling one tool (6 spans per traced turn), SQLite store. The loopback "
        f"receiver got {len(received.spans):,} spans.",
        "",
        "| tracing | per turn | vs off |",
        "|---|---|---|",
        *rows,
        "",
        f"With tracing off, the span calls of one turn cost {1e6 * hooks_s():.2f} µs "
        f"({HOOKS_PER_TURN} no-op spans: `NO_SPAN.child` returns itself), "
        f"{100 * hooks_s() / base:.3f}% of the turn; and no opentelemetry module is imported "
        "(tests/integration/test_tracing.py).",
    ])
