"""Asking in the terminal before a tool call runs: ``allow transfer {"amount": 5}? [y/N]``.

The question goes to stderr with the other tool steps; the answer is one line of input. On a
terminal the line is awaited without a thread, so Ctrl-C still stops the turn (the call is
then not run); anything but ``y``/``yes`` denies.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.session import Session
from contracts.events import ApprovalRequest
from contracts.turn_view import ToolStep

YES = {"y", "yes"}


def question(request: ApprovalRequest) -> str:
    step = ToolStep(request.step_id, request.tool, request.arguments)
    return f"  ? allow {request.tool} {step.arguments_json}? [y/N] "


async def read_line(stream: TextIO) -> str:
    """The next line of ``stream``; on a terminal, awaited without blocking the loop."""
    if not stream.isatty():
        return stream.readline()
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = stream.fileno()
    loop.add_reader(fd, _settle, ready)
    try:
        await ready
    finally:
        loop.remove_reader(fd)
    return stream.readline()


def _settle(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


async def ask_person(session: Session, request: ApprovalRequest, stdin: TextIO,
                     err: TextIO) -> None:
    """Ask on ``err``, read the answer from ``stdin``, answer the Session."""
    err.write(question(request))
    err.flush()
    answer = (await read_line(stdin)).strip().lower()
    if not stdin.isatty():  # no echo of the typed line: end the question's line
        err.write("\n")
    session.approve(request.id, answer in YES)
