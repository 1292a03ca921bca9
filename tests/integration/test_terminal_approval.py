"""The terminal asks y/N before a tool call that needs approval; piped input cannot answer."""

from __future__ import annotations

import asyncio
import io
import os
import pty
from typing import Any

from backends.scripted import Reply, ScriptedToolCall
from presenters.terminal.chat import TerminalChat
from tests.conformance.conversation import BookRoom

BOOK = Reply(tool_calls=[ScriptedToolCall(name="book_room", arguments={"room": 4})])
QUESTION = '  ? allow book_room {"room": 4}? [y/N] '


def booking_bot(make_bot: Any, answer: str) -> Any:
    return make_bot(BOOK, answer, tools={"book_room": BookRoom()})


def last_tool_message(bot: Any) -> str:
    return bot.models.for_role("primary").requests[-1].messages[-1].content


async def test_typing_y_runs_the_call(make_bot: Any) -> None:
    bot = booking_bot(make_bot, "Booked.")
    out, err = io.StringIO(), io.StringIO()
    chat = TerminalChat(bot, "t", stdin=io.StringIO("y\n"), stdout=out, stderr=err, asks=True)
    assert await chat.answer(chat.session.send("book it"))
    assert f"{QUESTION}\n  🔐 book_room: approved\n" in err.getvalue()
    assert last_tool_message(bot) == "room 4 booked" and out.getvalue() == "Booked.\n"


async def test_anything_but_yes_denies(make_bot: Any) -> None:
    for typed in ("\n", "no\n", "sure\n"):
        bot = booking_bot(make_bot, "Not booked.")
        err = io.StringIO()
        chat = TerminalChat(bot, "t", stdin=io.StringIO(typed), stdout=io.StringIO(),
                            stderr=err, asks=True)
        await chat.answer(chat.session.send("book it"))
        assert "  🔐 book_room: denied\n" in err.getvalue()
        assert "the user denied this call to book_room" in last_tool_message(bot)


async def test_piped_input_is_not_asked_and_the_default_denies(make_bot: Any) -> None:
    bot = booking_bot(make_bot, "Not booked.")
    err = io.StringIO()
    chat = TerminalChat(bot, "t", stdin=io.StringIO("y\nnext question\n"),
                        stdout=io.StringIO(), stderr=err)
    await chat.answer(chat.session.send("book it"))
    assert "? allow" not in err.getvalue()  # the next line of input is not eaten
    assert "  🔐 book_room: denied by default (no one to ask)\n" in err.getvalue()
    assert chat.stdin.readline() == "y\n"


async def test_on_a_terminal_the_answer_is_read_without_blocking_the_turn(
    make_bot: Any
) -> None:
    bot = booking_bot(make_bot, "Booked.")
    main, secondary = pty.openpty()
    err = io.StringIO()
    with os.fdopen(secondary, "r") as tty:
        chat = TerminalChat(bot, "t", stdin=tty, stdout=io.StringIO(), stderr=err)
        answering = asyncio.create_task(chat.answer(chat.session.send("book it")))
        while QUESTION not in err.getvalue():
            await asyncio.sleep(0.01)  # the loop runs while the question waits
        os.write(main, b"y\n")
        assert await answering
    os.close(main)
    assert "  🔐 book_room: approved" in err.getvalue()
