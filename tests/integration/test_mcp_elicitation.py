"""An MCP server elicits mid-call and the person of the turn answers: in the terminal, a
line per field; a headless session declines without asking; nobody answering in time is a
decline; two turns calling at once each get their own question. The server is built with
the official SDK and elicits the way each protocol era does (a request mid-call up to
2025-11-25, input-required retries on 2026-07-28); the bot's client speaks whichever it
negotiates."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backends.scripted import FunctionLLM, Reply, ReplyLike, ScriptedToolCall
from bot.app import Bot
from config import Settings
from config.approvals import ApprovalSettings
from contracts.elicitation import ElicitationAnswer, ElicitationAsk
from contracts.events import Event, ToolResult
from contracts.llm import LLMRequest
from presenters.terminal.chat import TerminalChat
from tests.fakes.asgi_loopback import serving_asgi
from tests.fakes.mcp_servers import with_servers

pytest.importorskip("mcp")


def book(room: str) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(id="c1", name="book", arguments={"room": room})])


@pytest.fixture
def server_url() -> Iterator[str]:
    from tests.fakes.mcp_tool_server import fake_app

    with serving_asgi(fake_app()) as base:
        yield base + "/mcp"


def booking_settings(settings: Settings, url: str, timeout_s: float = 120.0) -> Settings:
    served = with_servers(settings, rooms={"url": url, "allow": ["book"]})
    return served.model_copy(update={"approvals": ApprovalSettings(timeout_s=timeout_s)})


def tool_result(events: list[Event]) -> ToolResult:
    return next(e for e in events if isinstance(e, ToolResult))


async def test_the_terminal_asks_the_person_and_the_server_gets_the_answer(
    make_bot: Callable[..., Any], settings: Settings, server_url: str
) -> None:
    bot = make_bot(book("4"), "Booked.", settings_=booking_settings(settings, server_url))
    err = io.StringIO()
    chat = TerminalChat(bot, "t", stdin=io.StringIO("lots\n6\n"), stdout=io.StringIO(),
                        stderr=err, asks=True)
    events = [e async for e in chat.session.send("book room 4")]
    assert "  ? rooms asks: How many seats in 4?\n" in err.getvalue()
    assert "that is not integer; try again" in err.getvalue()  # "lots" was asked again
    assert tool_result(events).content == "booked 4 for 6"


async def test_an_empty_answer_declines(make_bot: Callable[..., Any], settings: Settings,
                                        server_url: str) -> None:
    bot = make_bot(book("4"), "Not booked.", settings_=booking_settings(settings, server_url))
    chat = TerminalChat(bot, "t", stdin=io.StringIO("\n"), stdout=io.StringIO(),
                        stderr=io.StringIO(), asks=True)
    events = [e async for e in chat.session.send("book room 4")]
    assert tool_result(events).content == "not booked: the person chose decline"


async def test_a_headless_session_declines_without_asking(
    make_bot: Callable[..., Any], settings: Settings, server_url: str
) -> None:
    bot = make_bot(book("4"), "Not booked.", settings_=booking_settings(settings, server_url))
    events = [e async for e in bot.session("api:x", headless=True).send("book room 4")]
    assert tool_result(events).content == "not booked: the person chose decline"


class Silent:
    """A person who never answers."""

    def __init__(self) -> None:
        self.asked: list[ElicitationAsk] = []
        self.stopped = asyncio.Event()

    async def ask(self, ask: ElicitationAsk) -> ElicitationAnswer:
        self.asked.append(ask)
        try:
            await asyncio.Event().wait()
        finally:
            self.stopped.set()
        raise AssertionError("unreachable")


async def test_an_elicitation_nobody_answers_times_out_as_declined(
    make_bot: Callable[..., Any], settings: Settings, server_url: str
) -> None:
    bot = make_bot(book("4"), "Not booked.",
                   settings_=booking_settings(settings, server_url, timeout_s=0.5))
    silent = Silent()
    events = [e async for e in bot.session("t:1", elicitor=silent).send("book room 4")]
    assert tool_result(events).content == "not booked: the person chose decline"
    assert silent.asked[0].message == "How many seats in 4?"
    await asyncio.wait_for(silent.stopped.wait(), 30)  # the question was taken back


class Answers:
    """A person who answers with fixed seats, recording each question."""

    def __init__(self, seats: int) -> None:
        self.seats, self.asked = seats, list[str]()

    async def ask(self, ask: ElicitationAsk) -> ElicitationAnswer:
        self.asked.append(ask.message)
        await asyncio.sleep(0)
        return ElicitationAnswer("accept", {"seats": self.seats})


async def test_two_turns_at_once_each_answer_their_own_question(
    settings: Settings, server_url: str
) -> None:
    def model(request: LLMRequest) -> ReplyLike:
        """Each turn books the room its person named; after the tool's result, "Done."
        (one reply per turn, whatever order the two turns reach the model in)."""
        if request.messages[-1].role == "tool":
            return "Done."
        return book(str(request.messages[-1].content).split()[-1])

    bot = Bot.from_settings(booking_settings(settings, server_url),
                            llms={"primary": FunctionLLM(model)})
    alice, bob = Answers(2), Answers(9)

    async def turn(key: str, text: str, person: Answers) -> list[Event]:
        return [e async for e in bot.session(key, elicitor=person).send(text)]

    try:
        a, b = await asyncio.gather(turn("t:alice", "book A", alice),
                                    turn("t:bob", "book B", bob))
    finally:
        await bot.aclose()
    assert (tool_result(a).content, tool_result(b).content) == ("booked A for 2",
                                                                "booked B for 9")
    assert len(alice.asked) == len(bob.asked) == 1
    assert (alice.asked[0][-2], bob.asked[0][-2]) == ("A", "B")  # each asked about its room
