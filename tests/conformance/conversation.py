"""One scripted conversation that every presenter must show the same way.

Turn 1 uses a tool that returns a cited passage; turn 2 fails in the backend before any text;
turn 3 breaks off mid-answer; turn 4 hits the length limit inside an unclosed code block;
turn 5 calls a tool that needs approval, which the person gives.
:func:`canonical` runs it through the Session and folds each turn's events into the
:class:`TurnView` every presenter renders; each presenter test drives its real surface,
reads back what a user saw as :class:`Seen` rows, and compares them with :func:`seen`
of the canonical views: answer, notes, sources, error, tool steps and usage line.

Adding a presenter: write ``run_<presenter>(bot) -> list[Seen]`` that drives its surface
and parses what it shows, and assert it equals ``expected(settings)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import Settings
from contracts.events import ApprovalRequest, Source
from contracts.llm_errors import LLMServerError
from contracts.run_context import ToolRunContext
from contracts.tools import ToolOutput
from contracts.turn_view import TurnView

QUESTIONS = ["How do I connect it to Slack?", "And to the web page?", "Tell me more.",
             "Show me the code.", "Book the meeting room."]
APPROVED = "Booked room 4 for you."
ANSWER = "Create the Slack app from the manifest and set two tokens [1]."
LIMIT = "(answer cut short: the model reached its length limit)"
STEP = ("handbook", '{"query": "slack"}', "ok")


class HandbookArgs(BaseModel):
    query: str


class HandbookLookup:
    name = "handbook"
    description = "Look something up in the handbook."
    Args = HandbookArgs

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        passage = Source(n=1, source="docs/slack.md", heading="Setup", score=0.9,
                         text="Create the app from the manifest, then set two tokens.")
        return ToolOutput(content="Found 1 passage.", sources=[passage])


class BookArgs(BaseModel):
    room: int


class BookRoom:
    """A tool with consequences: it runs only once a person approves the call."""

    name = "book_room"
    description = "Book a meeting room."
    Args = BookArgs
    ask_first = True

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        return ToolOutput(content=f"room {args.room} booked")


@dataclass
class Seen:
    """What a user saw of one turn; ``steps`` is None where a surface shows no tool steps."""

    answer: str
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    error: str | None = None
    steps: list[tuple[str, str, str]] | None = field(default_factory=list)
    usage: str | None = None
    approvals: list[str] = field(default_factory=list)  # "book_room: approved"


# What the conversation means; the canonical views must say exactly this.
EXPECTED = [
    Seen(answer=ANSWER, sources=["docs/slack.md — Setup"], steps=[STEP]),
    Seen(answer="", error="Sorry — the language model's server had an error. "
                          "Please try again. (error id: ID)"),
    Seen(answer="Partly", notes=["(interrupted)"],
         error="Sorry — the language model's server had an error. Please try again. "
               "(error id: ID)"),
    Seen(answer=f"Run this:\n```\nprint(1\n```\n\n{LIMIT}"),
    Seen(answer=APPROVED, steps=[("book_room", '{"room": 4}', "ok")],
         approvals=["book_room: approved"]),
]


def conversation_bot(settings: Settings) -> Bot:
    """The scripted conversation, with usage shown on every surface."""
    replies = [
        Reply(tool_calls=[ScriptedToolCall(name="handbook", arguments={"query": "slack"})]),
        Reply(text=ANSWER),
        Reply(error=LLMServerError("upstream 500")),
        Reply(text="Partly", error=LLMServerError("upstream reset"), error_after_chars=6),
        Reply(text="Run this:\n```\nprint(1", finish_reason="length"),
        Reply(tool_calls=[ScriptedToolCall(name="book_room", arguments={"room": 4})]),
        Reply(text=APPROVED),
    ]
    shown = settings.model_copy(update={
        "show_stats": True, "slack": settings.slack.model_copy(update={"show_usage": True})})
    llm = ScriptedLLM(replies, profile="scripted")
    tools = {"handbook": HandbookLookup(), "book_room": BookRoom()}
    return Bot.from_settings(shown, llms={"primary": llm}, tools=tools)


async def canonical(settings: Settings, headless: bool = False) -> list[TurnView]:
    """The conversation through the Session itself, each turn folded into its view; a person
    approves what asks first, unless ``headless`` (no one to ask: the configured default)."""
    bot = conversation_bot(settings)
    views = []
    try:
        for question in QUESTIONS:
            view = TurnView()
            session = bot.session("conformance:core", headless=headless)
            async for event in session.send(question):
                view.apply(event)
                if isinstance(event, ApprovalRequest):
                    session.approve(event.id, True)
            views.append(view)
    finally:
        await bot.aclose()
    return views


def seen(view: TurnView, shows_steps: bool = True) -> Seen:
    """The parts of ``view`` a user reads, ids and timings masked."""
    steps = [(s.name, s.arguments_json, "failed" if s.failed else "ok") for s in view.steps]
    return Seen(answer=view.answer, notes=view.notes(), sources=[s.label() for s in view.sources],
                error=mask(view.error.message if view.error else None),
                steps=steps if shows_steps else None, usage=mask(view.usage_line()),
                approvals=[f"{s.name}: {s.approval_note}" for s in view.steps if s.approval])


async def expected(settings: Settings, shows_steps: bool = True,
                   headless: bool = False) -> list[Seen]:
    return [seen(v, shows_steps) for v in await canonical(settings, headless)]


def mask(text: str | None) -> str | None:
    """Error ids and timings vary from run to run; everything else must match."""
    if text is None:
        return None
    text = re.sub(r"error id: [0-9a-f]+", "error id: ID", text)
    return re.sub(r"\d+\.\d+ s\b", "T s", text)


def split_closing(text: str) -> tuple[str, list[str], str | None]:
    """A surface's answer text -> (answer, notes, error): notes and the apology come last."""
    error = None
    head, sep, tail = text.rpartition("Sorry — ")
    if sep and "\n" not in tail:
        text, error = head.rstrip("\n"), mask(sep + tail)
    notes: list[str] = []
    while (m := re.search(r"(?:^|\n\n)_?(\((?:interrupted|no answer)\))_?$", text)):
        notes.insert(0, m.group(1))
        text = text[: m.start()]
    return text, notes, error
