"""Answering an MCP server's elicitation with the person of the turn that made the call.

The call runs on the MCP loop ("mcp-client"), the person's presenter on the turn's loop. A
call carries an :class:`Asker` (the turn's elicitor and loop) in a context variable, which the
SDK's elicitation callback reads: in the call's own task (2026-07-28's input-required
retries) or in the task it started for the server's request (earlier protocols), both copies
of the call's context. No elicitor (a headless session), no answer within the timeout, or
an unreadable answer: the server is told ``decline``. While the person thinks, the call's
own deadline is paused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
from dataclasses import dataclass, field
from typing import Any

import structlog

from contracts.elicitation import (
    DECLINED,
    TIMED_OUT,
    ElicitationAnswer,
    ElicitationAsk,
    Elicitor,
)

log = structlog.get_logger("tools.mcp")


@dataclass
class Asker:
    """The person behind one call: their elicitor, on the loop it belongs to."""

    server: str
    tool: str
    elicitor: Elicitor | None
    loop: asyncio.AbstractEventLoop | None
    timeout_s: float
    deadline: asyncio.Timeout | None = None  # the call's own, paused while the person thinks
    waiting: set[concurrent.futures.Future[ElicitationAnswer]] = field(default_factory=set)

    async def ask(self, message: str, schema: dict[str, Any]) -> ElicitationAnswer:
        if self.elicitor is None or self.loop is None:
            log.info("mcp_elicitation_declined", server=self.server, tool=self.tool,
                     reason="no one to ask")
            return DECLINED
        asked = ElicitationAsk(self.server, self.tool, message, schema, self.timeout_s)
        with self.paused():
            answer = await self._wait(asked)
        log.info("mcp_elicitation_answered", server=self.server, tool=self.tool,
                 action=answer.action, by=answer.by)
        return answer

    async def _wait(self, asked: ElicitationAsk) -> ElicitationAnswer:
        assert self.elicitor is not None and self.loop is not None
        future = asyncio.run_coroutine_threadsafe(self.elicitor.ask(asked), self.loop)
        self.waiting.add(future)
        try:
            async with asyncio.timeout(self.timeout_s):
                return await asyncio.wrap_future(future)
        except TimeoutError:
            return TIMED_OUT
        finally:
            future.cancel()  # no answer came (or the call ended): stop asking
            self.waiting.discard(future)

    def stop(self) -> None:
        """The turn ended (Stop, Ctrl-C): take every open question off the presenter."""
        for future in list(self.waiting):
            future.cancel()

    def paused(self) -> Any:
        return _Paused(self.deadline)


class _Paused:
    """Stops a call's deadline from running while the person answers; resumes it after."""

    def __init__(self, deadline: asyncio.Timeout | None) -> None:
        self.deadline = deadline
        self.left: float | None = None

    def __enter__(self) -> None:
        when = self.deadline.when() if self.deadline else None
        if self.deadline is not None and when is not None:
            self.left = when - asyncio.get_running_loop().time()
            self.deadline.reschedule(None)

    def __exit__(self, *_: object) -> None:
        if self.deadline is not None and self.left is not None:
            self.deadline.reschedule(asyncio.get_running_loop().time() + max(self.left, 0.0))


ASKER: contextvars.ContextVar[Asker | None] = contextvars.ContextVar("mcp_asker", default=None)


def elicitation_callback(server: str) -> Any:
    """The SDK callback for ``server``'s elicitations: the asking call's person answers."""
    import mcp_types as types

    async def answer(context: Any, params: Any) -> Any:
        asker = ASKER.get()
        schema = dict(getattr(params, "requested_schema", None) or {})
        if asker is None or (schema == {} and getattr(params, "url", None)):
            log.info("mcp_elicitation_declined", server=server, reason="not a form")
            return types.ElicitResult(action="decline")
        got = await asker.ask(str(params.message), schema)
        return types.ElicitResult(action=got.action,
                                  content=got.content if got.action == "accept" else None)

    return answer
