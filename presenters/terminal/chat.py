"""The terminal presenter: ``bot chat`` (a REPL) and ``bot ask`` (one question).

Piped input (``echo question | bot chat``) is answered line by line without prompts, and the
process exits 0. On a terminal, Ctrl-C stops the current answer and keeps the session;
Ctrl-D or /quit exits.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from typing import TextIO

from bot.app import Bot
from contracts.events import ApprovalRequest, Event
from presenters.terminal.approval import ask_person
from presenters.terminal.commands import COMMANDS, HELP, SPACE, run_command
from presenters.terminal.elicit import TerminalElicitor
from presenters.terminal.render import TerminalRenderer

PROMPT = "you> "
# Conversations are stored under "stdio:<name>" (the presenter's first name): kept, so that
# `bot chat --session NAME` still finds the conversations it had before.
KEY_PREFIX = "stdio"


class TerminalChat:
    """One terminal conversation over a Session; input and output streams are injectable.

    Tool calls that need approval are asked on the terminal (``asks``: default, when stdin
    is a terminal); with piped input no one can answer, so ``approvals.default`` decides.
    """

    def __init__(
        self, bot: Bot, session_name: str | None = None, *, stdin: TextIO | None = None,
        stdout: TextIO | None = None, stderr: TextIO | None = None, show_stats: bool = False,
        asks: bool | None = None, user: str | None = None,
    ) -> None:
        self.bot = bot
        self.user = user  # ``bot chat --as``: who asks, for [access] (docs/access.md)
        self.stdin = stdin or sys.stdin
        self.asks = self.stdin.isatty() if asks is None else asks
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        asker = TerminalElicitor(self.stdin, self.err) if self.asks else None  # MCP servers' asks
        self.session = bot.session(f"{KEY_PREFIX}:{session_name or uuid.uuid4().hex[:12]}",
                                   headless=not self.asks, elicitor=asker)
        self.show_stats = show_stats or bot.settings.show_stats
        self.interactive = self.stdin.isatty()

    def read(self) -> str | None:
        """The next line, or None at end of input."""
        if self.interactive:
            try:
                return input(PROMPT)
            except EOFError:
                self.out.write("\n")
                return None
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\n")

    async def answer(self, events: AsyncIterator[Event]) -> bool:
        """Render one answer; Ctrl-C stops it. Returns False when it failed."""
        renderer = TerminalRenderer(self.out, self.err, self.show_stats)
        task = asyncio.ensure_future(self._drain(events, renderer.render))
        loop = asyncio.get_running_loop()
        if self.interactive:
            loop.add_signal_handler(signal.SIGINT, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            renderer.finish(interrupted=True)
        finally:
            if self.interactive:
                loop.remove_signal_handler(signal.SIGINT)
        return not renderer.failed

    async def _drain(self, events: AsyncIterator[Event], render: Callable[[Event], None]) -> None:
        async for event in events:
            render(event)
            if isinstance(event, ApprovalRequest):
                await ask_person(self.session, event, self.stdin, self.err)

    def run(self, loop: asyncio.AbstractEventLoop) -> int:
        """The REPL. Input is read on the main thread so Ctrl-C reaches it normally."""
        if self.interactive:
            self.out.write(f"bot — chatting as {self.session.key}. {HELP}\n")
        while (line := self.read_interruptibly()) is not None:
            if line.strip().startswith("/") and line.split()[0] in COMMANDS:
                if not loop.run_until_complete(run_command(self, line.strip())):
                    break
                continue
            loop.run_until_complete(self.answer(self.session.send(line, user=self.user,
                                                                  space=SPACE)))
        return 0

    def read_interruptibly(self) -> str | None:
        while True:
            try:
                return self.read()
            except KeyboardInterrupt:
                self.out.write("\n(Ctrl-C stops an answer; /quit or Ctrl-D exits)\n")


async def ask(
    bot: Bot, question: str, *, show_stats: bool = False, session_name: str | None = None,
    user: str | None = None,
) -> int:
    """Answer one question on stdout, asked as ``user`` (``bot ask --as``); exit code 1
    when the answer failed."""
    chat = TerminalChat(bot, session_name, show_stats=show_stats)
    chat.interactive = False
    ok = await chat.answer(chat.session.send(question, user=user, space=SPACE))
    return 0 if ok else 1


def serve(bot: Bot) -> int:
    """``bot serve terminal``: the REPL."""
    return run_chat(bot)


def run_chat(bot: Bot, session_name: str | None = None, show_stats: bool = False,
             user: str | None = None) -> int:
    """``bot chat``: a REPL on this process's terminal (or piped stdin), as ``user``."""
    loop = asyncio.new_event_loop()
    try:
        return TerminalChat(bot, session_name, show_stats=show_stats, user=user).run(loop)
    finally:
        loop.run_until_complete(bot.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
