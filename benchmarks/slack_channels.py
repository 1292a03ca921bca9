"""Slack with every channel feature on: ack latency under load, and thread reads per turn.

Runs the real presenter (slack_bolt over Socket Mode) against the fake Slack in tests/fakes,
with a scripted backend:

1. Ack latency for EVENTS events pushed at once, with channel policies keyed by ``#name``
   (conversations.info), a ``questions`` channel that answers only when sourced and hands off,
   a private-by-default channel, mentions in the middle of people's threads (thread reads)
   and same-person follow-ups that supersede answers, beside the same number of plain
   mentions with no channel settings (the baseline), each over a backend taking BACKEND_S.
2. ``conversations.replies`` calls for 100 thread turns: THREADS threads people wrote in, the
   bot mentioned in each, then follow-ups (TURNS_PER_THREAD turns a thread); once with
   reads allowed at any time, once with the non-Marketplace limit of one read a minute.

``python -m benchmarks.slack_channels --small`` runs a quick size (for CI, if at all).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from backends.scripted import Reply, ScriptedLLM
from bot.app import Bot
from bot.logging import configure_logging
from config import load_settings
from tests.fakes.slack_harness import new_ts, old_ts, serving, slack_settings
from tests.fakes.slack_server import BOT_USER, FakeSlack, event_body

EVENTS, BACKEND_S = 50, 2.0
THREADS, TURNS_PER_THREAD = 10, 10
CHANNELS = {
    "default": {"respond": "mention", "supersede": True},
    "#support": {"respond": "questions", "only_when_sourced": True,
                 "escalate_to": ["S0HELPERS"]},
    "#private": {"ephemeral_default": True},
}
NAMES = {"C0SUPPORT": "support", "C0PRIVATE": "private", "C0ENG": "eng"}


def _bot(data_dir: Path, fake: FakeSlack, reply: Reply, **slack: Any) -> Bot:
    settings = slack_settings(load_settings(data_dir=data_dir, tools=[]), fake, **slack)
    llm = ScriptedLLM(default=reply, profile="scripted")
    return Bot.from_settings(settings, llms={"primary": llm})  # type: ignore[dict-item]


def _event(kind: str, user: str, text: str, channel: str, thread_ts: str | None = None
           ) -> dict[str, Any]:
    ts = new_ts()
    event = {"type": kind, "user": user, "ts": ts, "channel": channel, "event_ts": ts,
             "channel_type": "channel",
             "text": f"<@{BOT_USER}> {text}" if kind == "app_mention" else text}
    return event_body(event | ({"thread_ts": thread_ts} if thread_ts else {}))


def _mixed(fake: FakeSlack, n: int) -> list[dict[str, Any]]:
    """Event ``n`` of the featured run: five kinds of event in turn."""
    user = f"U0USER{n}"
    match n % 5:
        case 0:
            return [_event("message", user, f"How do I do thing {n}?", "C0SUPPORT")]
        case 1:
            return [_event("app_mention", user, f"question {n}", "C0PRIVATE")]
        case 2:
            parent = old_ts()
            fake.seed_thread("C0ENG", parent, [("U0BOB", f"problem {n}"), ("U0CAROL", "why?")])
            return [_event("app_mention", user, "the question above?", "C0ENG", parent)]
        case 3:
            first = _event("app_mention", user, f"question {n}", "C0ENG")
            later = _event("message", user, "no wait, this one", "C0ENG", first["event"]["ts"])
            return [first, later]
        case _:
            return [_event("app_mention", user, f"question {n}", "C0ENG")]


async def _acks(data_dir: Path, featured: bool) -> list[float]:
    """Ack latency of each event pushed at once."""
    fake = await FakeSlack().start()
    fake.channel_names.update(NAMES)
    slack = {"channels": CHANNELS, "thread_read_interval_s": 0.0} if featured else {}
    bot = _bot(data_dir, fake, Reply(text="Done.", chunk_chars=100, delay_s=BACKEND_S),
               update_interval_s=1.0, **slack)
    try:
        async with serving(fake, bot) as h:
            await fake.wait_acked(await fake.push(_event("app_mention", "U0W", "warm", "C0W")))
            bodies = [b for n in range(EVENTS) for b in (_mixed(fake, n) if featured else
                      [_event("app_mention", f"U0USER{n}", f"q {n}", "C0ENG")])][:EVENTS]
            ids = await asyncio.gather(*(fake.push(b) for b in bodies))
            await fake.wait_for(lambda: all(i in fake.acks for i in ids), timeout=60)
            await fake.wait_for(lambda: len(h.handled) > EVENTS, timeout=180)
            await fake.wait_for(lambda: not h.presenter.answerer.inflight, timeout=180)
            return [fake.acks[i] - fake.pushed[i] for i in ids]
    finally:
        await bot.aclose()
        await fake.close()


async def _thread_reads(data_dir: Path, interval_s: float) -> tuple[int, int]:
    """conversations.replies calls, and threads answered with a "couldn't read" note."""
    fake = await FakeSlack().start()
    bot = _bot(data_dir, fake, Reply(text="Answered."), thread_read_interval_s=interval_s)
    try:
        async with serving(fake, bot) as h:
            for t in range(THREADS):
                parent = old_ts()
                fake.seed_thread("C0ENG", parent, [("U0BOB", f"issue {t}"), ("U0CAROL", "?")])
                await fake.push(_event("app_mention", "U0ALICE", "the question above?", "C0ENG",
                                       parent))
                await h.answer("C0ENG", parent, timeout=60)
                for turn in range(1, TURNS_PER_THREAD):
                    await fake.push(_event("message", "U0ALICE", f"and {turn}?", "C0ENG", parent))
                    await h.answer("C0ENG", parent, count=turn + 1, timeout=60)
            unread = sum(1 for m in fake.messages if "couldn't read this thread" in m.text)
            return len(fake.calls_to("conversations.replies")), unread
    finally:
        await bot.aclose()
        await fake.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ack_table(featured: list[float], base: list[float]) -> str:
    rows = []
    for name, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
        b, f = _pct(base, q) * 1000, _pct(featured, q) * 1000
        rows.append(f"| {name} | {b:.1f} ms | {f:.1f} ms | {f / b:.1f}× |")
    return (f"### Ack latency, {EVENTS} events at once, every channel feature on "
            f"({BACKEND_S:g} s backend)\n\n"
            "Both runs at the same time, each against its own fake Slack.\n\n"
            "| | plain mentions (baseline) | channel features on | ratio |\n|---|---|---|---|\n"
            + "\n".join(rows) + "\n\nFeatured events: questions without a mention in an "
            "`only_when_sourced` channel with a hand-off, mentions in a private-by-default "
            "channel, mentions in the middle of people's threads (one thread read each), "
            "same-person follow-ups that supersede the answer in progress; policies keyed by "
            "`#name`. Goal: p99 ≤ 300 ms; Slack retries after 3,000 ms.\n")


def _reads_table(free: tuple[int, int], limited: tuple[int, int]) -> str:
    turns = THREADS * TURNS_PER_THREAD
    return (f"### conversations.replies calls for {turns} thread turns ({THREADS} threads "
            f"joined mid-way, {TURNS_PER_THREAD} turns each)\n\n"
            "| thread reads allowed | calls | per thread joined | threads answered without "
            "their history |\n|---|---|---|---|\n"
            f"| any time (`thread_read_interval_s = 0`) | {free[0]} | {free[0] / THREADS:.1f} | "
            f"{free[1]} |\n"
            f"| once a minute (the default, Slack's non-Marketplace limit) | {limited[0]} | "
            f"{limited[0] / THREADS:.1f} | {limited[1]} (each said so in the thread) |\n\n"
            "Goal: ≤ 1 call per thread joined; every later turn reads the store.\n")


async def _main() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("base", "featured", "free", "limited"):
            (root / name).mkdir()
        # Side by side, at the same time: both runs share the machine's load alike.
        base, featured = await asyncio.gather(_acks(root / "base", featured=False),
                                              _acks(root / "featured", featured=True))
        free = await _thread_reads(root / "free", 0.0)
        limited = await _thread_reads(root / "limited", 60.0)
    return ("## Slack: channel features under load, and thread reads\n\n"
            + _ack_table(featured, base) + "\n" + _reads_table(free, limited))


def run() -> str:
    configure_logging("error")
    return asyncio.run(_main())


if __name__ == "__main__":
    if "--small" in sys.argv:
        EVENTS, BACKEND_S, THREADS, TURNS_PER_THREAD = 10, 0.2, 2, 3
    started = time.monotonic()
    print(run())
    print(f"\n(took {time.monotonic() - started:.0f} s)")
