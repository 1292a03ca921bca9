"""The REPL's slash commands."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Protocol, TextIO

import structlog

from bot.failures import new_error_id

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.session import Session
    from contracts.events import Event

class TerminalChat(Protocol):
    """What a command uses of the chat (``chat.TerminalChat``; a Protocol: no import back)."""

    bot: Bot
    session: Session
    out: TextIO

    async def answer(self, events: AsyncIterator[Event]) -> bool: ...

log = structlog.get_logger("presenters.terminal")
SPACE = "terminal"  # where terminal turns are asked, for budgets and [spaces]
HELP = "Type a message, or /help for commands. Ctrl-C stops an answer, Ctrl-D exits."


async def _help(chat: TerminalChat, arg: str) -> bool:
    chat.out.write(
        "/help            this list\n"
        "/reset           start a new conversation (the old one stays in the store)\n"
        "/history         show this conversation\n"
        "/retry           ask the last question again\n"
        "/backend [NAME]  show which model does each job, or switch the primary profile\n"
        "/quit            exit (Ctrl-D works too)\n"
    )
    return True


async def _reset(chat: TerminalChat, arg: str) -> bool:
    await chat.session.reset()
    chat.out.write("(new conversation)\n")
    return True


async def _history(chat: TerminalChat, arg: str) -> bool:
    turns = await chat.session.history()
    if not turns:
        chat.out.write("(no messages yet)\n")
    for turn in turns:
        who = "you" if turn.role == "user" else "bot"
        note = " (interrupted)" if turn.interrupted else ""
        text = turn.text or (f"[error {turn.error_id}]" if turn.error_id else "")
        chat.out.write(f"{who}: {text}{note}\n")
    return True


async def _retry(chat: TerminalChat, arg: str) -> bool:
    await chat.answer(chat.session.retry(space=SPACE))
    return True


async def _backend(chat: TerminalChat, arg: str) -> bool:
    if arg:
        try:
            chat.bot.models.use_profile("primary", arg)
        except KeyError as exc:
            chat.out.write(f"{exc.args[0]}\n")
            return True
    for role, profile, kind, model in chat.bot.models.describe_roles():
        chat.out.write(f"{role:<13} {profile} ({kind}{', ' + model if model else ''})\n")
    return True


async def _quit(chat: TerminalChat, arg: str) -> bool:
    return False


Command = Callable[["TerminalChat", str], Awaitable[bool]]
COMMANDS: dict[str, Command] = {
    "/help": _help, "/reset": _reset, "/history": _history, "/retry": _retry,
    "/backend": _backend, "/quit": _quit, "/exit": _quit,
}


async def run_command(chat: TerminalChat, line: str) -> bool:
    """Run a slash command; False means exit. A failure is one polite line, not a traceback."""
    name, _, arg = line.partition(" ")
    try:
        return await COMMANDS[name](chat, arg.strip())
    except Exception as exc:  # e.g. the store is unreachable: keep the REPL alive
        error_id = new_error_id()
        log.error("command_failed", command=name, error_id=error_id,
                  error_type=type(exc).__name__, error=str(exc)[:300])
        chat.out.write(f"Sorry — {name} failed ({type(exc).__name__}). (error id: {error_id})\n")
        return True
