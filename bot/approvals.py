"""Approvals in flight: a turn waits on its request; a presenter answers it through the Session.

The :class:`ApprovalDesk` is shared by every session of a Bot (a Slack button click or a
Gradio option arrives in another request than the turn that waits), and answers only a
request of the same session key. :class:`AskPerson` is one turn's
:class:`~contracts.approval.ApprovalGate`: it opens a request, waits for the answer or
the timeout, and always closes it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import structlog

from contracts.approval import ApprovalEvent
from contracts.events import ApprovalDecision, ApprovalRequest

log = structlog.get_logger("bot.approvals")
Answer = tuple[bool, str | None]  # (allowed, who answered)


@dataclass
class _Open:
    key: str
    request: ApprovalRequest
    answer: asyncio.Future[Answer]


class ApprovalDesk:
    """Open approval requests of every session, answered by id."""

    def __init__(self) -> None:
        self._open: dict[str, _Open] = {}

    def open(self, key: str, step_id: str, tool: str, arguments: dict[str, Any] | str,
             timeout_s: float) -> ApprovalRequest:
        request = ApprovalRequest(id=secrets.token_urlsafe(9), step_id=step_id, tool=tool,
                                  arguments=arguments, timeout_s=timeout_s)
        future = asyncio.get_running_loop().create_future()
        self._open[request.id] = _Open(key, request, future)
        return request

    def answer(self, key: str, request_id: str, allowed: bool, user: str | None = None) -> bool:
        """Answer an open request of session ``key``; False when there is none (any more)."""
        entry = self._open.get(request_id)
        if entry is None or entry.key != key or entry.answer.done():
            return False
        loop = entry.answer.get_loop()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            entry.answer.set_result((allowed, user))
        else:  # answered from another thread's loop
            loop.call_soon_threadsafe(_settle, entry.answer, (allowed, user))
        log.info("approval_answered", session=key, request_id=request_id,
                 tool=entry.request.tool, allowed=allowed, user=user)
        return True

    def pending(self, key: str) -> list[ApprovalRequest]:
        """Session ``key``'s requests still waiting for an answer, oldest first."""
        return [e.request for e in self._open.values() if e.key == key and not e.answer.done()]

    async def wait(self, request_id: str, timeout_s: float) -> Answer | None:
        """The answer, or None when none came within ``timeout_s``."""
        try:
            async with asyncio.timeout(timeout_s):
                return await asyncio.shield(self._open[request_id].answer)
        except TimeoutError:
            return None

    def close(self, request_id: str) -> None:
        entry = self._open.pop(request_id, None)
        if entry is not None and not entry.answer.done():
            entry.answer.cancel()


def _settle(future: asyncio.Future[Answer], answer: Answer) -> None:
    if not future.done():
        future.set_result(answer)


class AskPerson:
    """The approval gate of a turn that a person watches: ask, wait, decide."""

    def __init__(self, desk: ApprovalDesk, key: str, timeout_s: float) -> None:
        self.desk, self.key, self.timeout_s = desk, key, timeout_s

    async def ask(self, step_id: str, tool: str, arguments: dict[str, Any] | str
                  ) -> AsyncGenerator[ApprovalEvent, None]:
        request = self.desk.open(self.key, step_id, tool, arguments, self.timeout_s)
        try:
            yield request
            answer = await self.desk.wait(request.id, self.timeout_s)
        finally:
            self.desk.close(request.id)
        if answer is None:
            log.info("approval_timed_out", session=self.key, tool=tool, timeout_s=self.timeout_s)
        allowed, user = answer or (False, None)
        yield ApprovalDecision(id=request.id, step_id=step_id, tool=tool, allowed=allowed,
                               by="timeout" if answer is None else "person", user=user)
