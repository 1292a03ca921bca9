"""One scripted conversation that every presenter must render the same way.

Turn 1 uses a tool that returns a cited passage; turn 2 fails in the backend. Each presenter
test drives its real surface with :func:`conversation_bot` and reduces what a user saw to
:class:`TurnView` rows, which must equal :data:`EXPECTED` (error ids are masked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from bot.app import Bot
from bot.contracts.events import Source
from bot.contracts.llm_errors import LLMServerError
from bot.contracts.run_context import ToolRunContext
from bot.contracts.tools import ToolOutput
from bot.llm.scripted import Reply, ScriptedLLM, ScriptedToolCall
from config import Settings

QUESTIONS = ["How do I connect it to Slack?", "And to the web page?"]


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


@dataclass
class TurnView:
    """What a user saw for one turn: the answer, source labels, and the error message."""

    answer: str
    sources: list[str] = field(default_factory=list)
    error: str | None = None


EXPECTED = [
    TurnView(answer="Create the Slack app from the manifest and set two tokens [1].",
             sources=["docs/slack.md — Setup"]),
    TurnView(answer="", error="Sorry — The language model's server had an error. "
                              "Please try again. (error id: ID)"),
]


def conversation_bot(settings: Settings) -> Bot:
    replies = [
        Reply(tool_calls=[ScriptedToolCall(name="handbook", arguments={"query": "slack"})]),
        Reply(text=EXPECTED[0].answer),
        Reply(error=LLMServerError("upstream 500")),
    ]
    llm = ScriptedLLM(replies, profile="scripted")
    return Bot.from_settings(settings, llms={"primary": llm}, tools={"handbook": HandbookLookup()})


def mask_error_id(text: str | None) -> str | None:
    return None if text is None else re.sub(r"error id: [0-9a-f]+", "error id: ID", text)
