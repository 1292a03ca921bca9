"""Newest message wins: the answers streaming now, and stopping one when its asker moves on.

A new message from the same person in the same thread stops the answer in progress (its
task is cancelled; the Session stores what was said, flagged interrupted) and the new message
is answered next with both questions in context. A message from anyone else queues, and a
retried delivery of the same event never stops its own answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

SUPERSEDED = "Stopped: <@{user}> sent a newer message, answered below."


@dataclass
class Running:
    """One answer streaming in a thread."""

    user: str
    event_id: str
    task: asyncio.Task[None]
    superseded: bool = False


class RunningAnswers:
    """The answer streaming in each thread (by the thread's session key)."""

    def __init__(self) -> None:
        self._by_thread: dict[str, Running] = {}

    def start(self, thread_key: str, user: str, event_id: str,
              task: asyncio.Task[None]) -> Running:
        running = Running(user, event_id, task)
        self._by_thread[thread_key] = running
        return running

    def end(self, thread_key: str, running: Running) -> None:
        if self._by_thread.get(thread_key) is running:
            del self._by_thread[thread_key]

    def busy(self, thread_key: str) -> bool:
        return thread_key in self._by_thread

    def supersede(self, thread_key: str, user: str, event_id: str) -> bool:
        """Stop ``user``'s answer in the thread for a newer message; False when there is none
        (or it is someone else's, or this is a retry of the same event)."""
        running = self._by_thread.get(thread_key)
        if running is None or running.user != user or running.event_id == event_id:
            return False
        if running.task.done() or running.superseded:
            return False
        running.superseded = True
        running.task.cancel()
        return True
