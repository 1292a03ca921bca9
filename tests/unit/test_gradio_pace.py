"""When an answer's changes go to the page (pure: no Gradio), and the wake-up that shows a
held-back change when no event follows it."""

from __future__ import annotations

import asyncio

from presenters.gradio.pace import Pace
from presenters.gradio.questions import IDLE, next_item


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_first_change_goes_at_once_then_one_update_per_interval() -> None:
    clock = Clock()
    pace = Pace(0.5, clock)
    assert pace.due(1)  # nothing shown yet: no wait for the first words
    pace.shown(1)
    clock.now += 0.25
    assert not pace.due(2) and pace.wait_s(2) == 0.25  # held back, woken when the interval ends
    clock.now += 0.25
    assert pace.due(3)


def test_nothing_new_is_never_due_and_waits_without_limit() -> None:
    clock = Clock()
    pace = Pace(0.05, clock)
    pace.shown(4)
    clock.now += 10
    assert not pace.due(4) and pace.wait_s(4) is None


def test_no_interval_shows_every_change() -> None:
    pace = Pace(0.0)
    pace.shown(1)
    assert pace.due(2)


def test_an_idle_wake_up_leaves_the_queue_as_it_was() -> None:
    async def run() -> list[object]:
        inbox: asyncio.Queue[object] = asyncio.Queue()
        first = await next_item(inbox, 0.01)
        inbox.put_nowait("event")
        return [first, await next_item(inbox, 0.01), await next_item(inbox, None)
                if not inbox.empty() else "empty"]

    assert asyncio.run(run()) == [IDLE, "event", "empty"]
