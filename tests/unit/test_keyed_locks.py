"""One answer at a time per conversation, in arrival order; idle conversations hold no lock."""

from __future__ import annotations

import asyncio
from typing import Any

from backends.scripted import Reply
from bot.keyed_locks import KeyedLocks


async def test_turns_in_one_conversation_queue_in_order_and_leave_no_lock(make_bot: Any) -> None:
    bot = make_bot(Reply(text="first", delay_s=0.01), "second", "third")  # 1st is slowest
    order: list[str] = []

    async def ask(text: str) -> None:
        async for event in bot.session("test:queue").send(text):
            if event.kind == "done":
                order.append(event.text)

    await asyncio.gather(ask("1"), ask("2"), ask("3"))
    assert order == ["first", "second", "third"]
    assert len(bot.locks) == 0


async def test_many_conversations_leave_no_locks_behind(make_bot: Any) -> None:
    bot = make_bot(*["ok"] * 50)
    for n in range(50):
        [e async for e in bot.session(f"test:{n}").send("hi")]
    assert len(bot.locks) == 0


async def test_a_waiting_holder_keeps_the_lock_alive() -> None:
    locks = KeyedLocks()
    first_in = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with locks.hold("k"):
            first_in.set()
            await release.wait()

    first = asyncio.ensure_future(hold())
    await first_in.wait()
    second = asyncio.ensure_future(hold())
    await asyncio.sleep(0)
    assert len(locks) == 1  # held by one, waited for by another
    release.set()
    await asyncio.gather(first, second)
    assert len(locks) == 0
