"""A small team's week with the bot, played through a real Bot into its store.

Who asks what, and what happens: Ada (Slack channel C1) gets a cited answer and rates it
👍, then asks about the VPN, which the knowledge base does not cover, and rates that 👎
with a comment; Bob (Gradio) gets a failed answer, then a plain one. Used by the stats,
Stats-tab and fine-tune export tests.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from backends.scripted import FunctionLLM, Reply, ScriptedToolCall
from bot.app import Bot
from config import Settings
from contracts.events import Done
from contracts.llm import LLMRequest
from contracts.llm_errors import LLMServerError
from contracts.run_context import ToolRunContext
from contracts.tools import ToolOutput
from contracts.tracing import Tracer
from tests.conformance.conversation import HandbookLookup
from tools.calculator import Calculator

SLACK = "slack:T1:C1:1700000000.000100"
GRADIO = "gradio:bobs-browser-session-id-0001"
VPN_QUESTION = "What is the VPN policy?"
SECRET_EMAIL = "ada.lovelace@example.com"
CALC_QUESTION = "What is 17 * 23?"


class SearchArgs(BaseModel):
    query: str


class EmptySearch:
    """A ``search_knowledge`` tool over a knowledge base that finds nothing."""

    name = "search_knowledge"
    description = "Search the team's documents."
    Args = SearchArgs

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput:
        return ToolOutput(content=f"No passage matches {args.query!r}.")


def answer(request: LLMRequest) -> Reply:
    """The model: answers by the last question, calling a tool first where it should."""
    question = [m.content for m in request.messages if m.role == "user"][-1]
    used_tool = request.messages[-1].role == "tool"
    if question.startswith("How do I connect Slack") and not used_tool:
        return Reply(tool_calls=[ScriptedToolCall(name="handbook", arguments={"query": "slack"})])
    if question.startswith("How do I connect Slack"):
        return Reply(text="Create the Slack app from the manifest [1].", delay_s=0.01)
    if question == VPN_QUESTION and not used_tool:
        return Reply(tool_calls=[ScriptedToolCall(name="search_knowledge",
                                                  arguments={"query": "VPN policy"})])
    if question == VPN_QUESTION:
        return Reply(text=f"The documents do not cover it; ask {SECRET_EMAIL}.")
    if question == CALC_QUESTION and not used_tool:
        return Reply(tool_calls=[ScriptedToolCall(name="calculator",
                                                  arguments={"expression": "17 * 23"})])
    if question == CALC_QUESTION:
        return Reply(text="17 × 23 = 391.")
    if question.startswith("error"):
        return Reply(error=LLMServerError("upstream 500"))
    return Reply(text=f"You said: {question}")


def team_bot(settings: Settings, tracer: Tracer | None = None) -> Bot:
    llm = FunctionLLM(answer, profile="scripted", model="team-model")
    settings = settings.model_copy(update={"agent": "tools"})
    tools: dict[str, Any] = {"handbook": HandbookLookup(), "search_knowledge": EmptySearch(),
                             "calculator": Calculator()}
    return Bot.from_settings(settings, llms={"primary": llm}, tools=tools, tracer=tracer)


async def ask(bot: Bot, key: str, text: str, user: str) -> int | None:
    turn_id = None
    async for event in bot.session(key).send(text, user=user):
        if isinstance(event, Done):
            turn_id = event.turn_id
    return turn_id


async def play_week(bot: Bot) -> dict[str, int | None]:
    """The four exchanges and their ratings; returns the answers' turn ids by name."""
    ids = {
        "slack": await ask(bot, SLACK, "How do I connect Slack?", "ada"),
        "vpn": await ask(bot, SLACK, VPN_QUESTION, "ada"),
        "error": await ask(bot, GRADIO, "error please", "bob"),
        "hello": await ask(bot, GRADIO, "hello", "bob"),
    }
    session = bot.session(SLACK)
    await session.feedback(ids["slack"] or 0, 1, user="ada")
    await session.feedback(ids["vpn"] or 0, -1, user="ada")
    await session.feedback(ids["vpn"] or 0, -1, "it should know the VPN page", user="ada")
    return ids
