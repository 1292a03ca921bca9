"""Slack presenter: ack latency under load, and Web API calls per long answer.

Runs the real presenter (slack_bolt over Socket Mode) against the fake Slack in
tests/fakes, with scripted backends:

1. Ack latency for 50 events pushed at once while the backend takes 10 s per answer,
   beside the same 50 events with an instant backend (the baseline). Slack retries any
   event not acked within 3 s.
2. Web API calls and bytes uploaded for one 1,000-token answer streamed at ~100 tokens/s,
   native streaming beside the chat.update fallback, both running at the same time.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from backends.scripted import Reply, ScriptedLLM
from bot.app import Bot
from bot.logging import configure_logging
from config import load_settings
from tests.fakes.slack_harness import new_ts, serving, slack_settings
from tests.fakes.slack_server import BOT_USER, FakeSlack, event_body

EVENTS = 50
BACKEND_S = 10.0
ANSWER_WORDS = 1000


def _bot(data_dir: Path, fake: FakeSlack, reply: Reply, **slack: Any) -> Bot:
    settings = slack_settings(load_settings(data_dir=data_dir, tools=[]), fake, **slack)
    llm = ScriptedLLM(default=reply, profile="scripted")
    return Bot.from_settings(settings, llms={"primary": llm})  # type: ignore[dict-item]


def _mention(n: int) -> dict[str, Any]:
    ts = new_ts()
    return event_body({"type": "app_mention", "user": f"U0USER{n}", "ts": ts,
                       "text": f"<@{BOT_USER}> question {n}", "channel": "C0LOAD",
                       "event_ts": ts})


async def _ack_latencies(data_dir: Path, backend_s: float) -> tuple[list[float], float]:
    """Ack latency of each of EVENTS concurrent mentions, and the time until all answered."""
    fake = await FakeSlack().start()
    reply = Reply(text="Done.", chunk_chars=100, delay_s=backend_s)
    bot = _bot(data_dir, fake, reply, update_interval_s=1.0)
    try:
        async with serving(fake, bot):
            await fake.wait_acked(await fake.push(_mention(-1)))  # warm: auth.test is cached
            await fake.wait_for(lambda: len(fake.calls_to("chat.stopStream")) >= 1, timeout=60)
            started = time.monotonic()
            ids = await asyncio.gather(*(fake.push(_mention(n)) for n in range(EVENTS)))
            await fake.wait_for(lambda: all(i in fake.acks for i in ids), timeout=60)
            await fake.wait_for(lambda: len(fake.calls_to("chat.stopStream")) > EVENTS,
                                timeout=120)
            answered = time.monotonic() - started
            return [fake.acks[i] - fake.pushed[i] for i in ids], answered
    finally:
        await bot.aclose()
        await fake.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _calls_per_answer(data_dir: Path) -> dict[str, tuple[Counter[str], int, float]]:
    """Per mode: calls by method, bytes of text uploaded, and seconds the answer took."""
    text = " ".join(f"word{n % 97}" for n in range(ANSWER_WORDS))
    reply = Reply(text=text, chunk_chars=max(1, len(text) // ANSWER_WORDS), delay_s=0.01)
    results: dict[str, tuple[Counter[str], int, float]] = {}

    async def one(mode: str) -> None:
        fake = await FakeSlack().start()
        bot = _bot(data_dir / mode, fake, reply, streaming=mode, update_interval_s=1.0)
        try:
            async with serving(fake, bot) as h:
                started = time.monotonic()
                ts = await h.mention("Tell me a long story.", channel="C0LONG")
                message = await h.answer("C0LONG", ts)
                assert len(message.text) >= len(text), "the answer did not arrive whole"
                elapsed = time.monotonic() - started
            posting = [c for c in fake.calls if c.method.startswith(("chat.", "assistant."))]
            sent = sum(len(str(c.args.get("text") or c.args.get("markdown_text") or ""))
                       + len(str(c.args.get("chunks") or "")) for c in posting)
            results[mode] = (Counter(c.method for c in posting), sent, elapsed)
        finally:
            await bot.aclose()
            await fake.close()

    (data_dir / "native").mkdir()
    (data_dir / "update").mkdir()
    await asyncio.gather(one("native"), one("update"))
    return results


def _ack_table(loaded: list[float], base: list[float], answered: float) -> str:
    rows = []
    for name, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
        b, m = _pct(base, q) * 1000, _pct(loaded, q) * 1000
        rows.append(f"| {name} | {b:.1f} ms | {m:.1f} ms | {m / b:.1f}× |")
    return (
        f"### Ack latency, {EVENTS} mentions pushed at once over Socket Mode "
        "(after one warm-up event)\n\n"
        f"| | instant backend (baseline) | {BACKEND_S:.0f} s backend | ratio |\n"
        "|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Slack retries an event not acked in 3,000 ms. All {EVENTS} answers (one per thread) "
        f"finished {answered:.1f} s after the first push: they ran concurrently, not one after "
        "another.\n"
    )


def _calls_table(results: dict[str, tuple[Counter[str], int, float]]) -> str:
    native, update = results["native"], results["update"]

    def row(label: str, r: tuple[Counter[str], int, float]) -> str:
        methods = ", ".join(f"{m} ×{n}" for m, n in sorted(r[0].items()))
        calls, kb = sum(r[0].values()), r[1] / 1000
        return f"| {label} | {calls} | {kb:.0f} kB | {r[2]:.1f} s | {methods} |"

    ratio = sum(update[0].values()) / max(1, sum(native[0].values()))
    kb_ratio = update[1] / max(1, native[1])
    return (
        f"### Slack API calls for one {ANSWER_WORDS}-token answer (~100 tokens/s, "
        "`update_interval_s = 1`)\n\n"
        "| mode | calls | text uploaded | answer took | calls by method |\n|---|---|---|---|---|\n"
        f"{row('native streaming', native)}\n{row('chat.update fallback', update)}\n\n"
        f"The update fallback makes {ratio:.1f}× the calls and uploads {kb_ratio:.1f}× the text "
        "of native streaming (each edit resends the whole answer; each append only the new part)."
    )


async def _main() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "base").mkdir()
        (root / "load").mkdir()
        (root / "calls").mkdir()
        base, _ = await _ack_latencies(root / "base", 0.0)
        loaded, answered = await _ack_latencies(root / "load", BACKEND_S)
        calls = await _calls_per_answer(root / "calls")
    return ("## Slack: ack latency and API calls per answer\n\n"
            + _ack_table(loaded, base, answered) + "\n" + _calls_table(calls))


def run() -> str:
    configure_logging("error")
    return asyncio.run(_main())


if __name__ == "__main__":
    print(run())
