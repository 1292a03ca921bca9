"""``bot serve mcp``: ``ask`` (a whole turn through the agent graph) and ``search_knowledge``
as MCP tools, over stdio or streamable HTTP.

No person watches an MCP call, so sessions are headless: a tool that needs approval gets
``approvals.default`` (deny unless configured to allow). Conversations: see
:mod:`presenters.mcp.conversations`.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

import structlog
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError as McpToolError
from mcp_types import CallToolResult
from pydantic import Field

from bot.app import Bot
from contracts.tools import ToolError
from contracts.turn_view import TurnView
from presenters.mcp.auth import auth_options
from presenters.mcp.callers import Caller, NotGranted, granted
from presenters.mcp.conversations import Conversations, UnknownConversation
from presenters.mcp.resources import add_documents
from presenters.mcp.results import AskResult, SearchResult, ask_result, search_result

log = structlog.get_logger("presenters.mcp")
SEARCH = "search_knowledge"
ASK_HELP = ("Ask the team's assistant a question. It answers from the team's documents, "
            "citing numbered sources. Pass back the returned `conversation` to ask a "
            "follow-up in the same conversation.")
SEARCH_HELP = "Search the team's documents; returns the best passages with their sources."
QUESTION = "the question, as a person would ask it"
CONVERSATION = ("the conversation id an earlier ask returned, to ask a follow-up; leave it out "
                "for the client session's own conversation (a new one on stateless HTTP)")


class BotTools:
    """The tools ``bot serve mcp`` offers, over one shared Bot."""

    def __init__(self, bot: Bot, conversations: Conversations) -> None:
        self.bot, self.conversations = bot, conversations

    def caller(self, ctx: Context, what: str) -> Caller:
        """Who calls; refused (a tool error) when their token lacks the scope for ``what``."""
        try:
            return granted(ctx.request_context.request, self.bot.settings.mcp.serve, what)
        except NotGranted as exc:
            raise McpToolError(str(exc)) from exc

    async def ask(self, question: Annotated[str, Field(description=QUESTION)], ctx: Context,
                  conversation: Annotated[str | None, Field(description=CONVERSATION)] = None,
                  ) -> Annotated[CallToolResult, AskResult]:
        """A whole turn: the answer, its sources and tool steps, and its conversation id."""
        caller = self.caller(ctx, "ask")
        try:
            chosen = await self.conversations.pick(conversation, ctx.request_context.request,
                                                   caller)
        except UnknownConversation as exc:
            raise McpToolError(str(exc)) from exc
        view = TurnView()
        session = self.bot.session(chosen.key, headless=True)
        async for event in session.send(question, user=caller.user, space=caller.space):
            view.apply(event)
        log.info("mcp_ask", caller=caller.name, conversation_hash=chosen.hash,
                 turn_id=view.turn_id, error_id=view.error.error_id if view.error else None)
        return ask_result(view, chosen.id)

    async def search_knowledge(
        self, query: Annotated[str, Field(description="what to look for, in a few words")],
        ctx: Context,
        top_k: Annotated[int | None, Field(ge=1, le=20, description="passages (default 4)")]
        = None,
    ) -> Annotated[CallToolResult, SearchResult]:
        """The knowledge base's best passages for ``query``."""
        caller = self.caller(ctx, SEARCH)
        arguments = {"query": query} if top_k is None else {"query": query, "top_k": top_k}
        try:  # the collection of the caller's space
            found = await self.bot.run_tool(SEARCH, arguments, caller.space, caller.user)
            return search_result(found)
        except ToolError as exc:  # the client reads the reason, as the agent's model would
            raise McpToolError(str(exc)) from exc


async def has_turns(bot: Bot, key: str) -> bool:
    """Whether the conversation ``key`` holds stored turns (an id the server returned)."""
    return bool(await bot.session(key, headless=True).history())


def build_server(bot: Bot) -> MCPServer:
    """The MCP server for ``bot``; ``search_knowledge``, the documents and the prompts only
    when the knowledge base is on."""
    from mcp.server.subscriptions import InMemorySubscriptionBus

    serve, bus = bot.settings.mcp.serve, InMemorySubscriptionBus()
    server: MCPServer = MCPServer("bot", instructions=ASK_HELP, log_level="WARNING",
                                  subscriptions=bus, **auth_options(serve))
    known = partial(has_turns, bot)
    tools = BotTools(bot, Conversations(serve.transport, known))
    server.add_tool(tools.ask, name="ask", description=ASK_HELP)
    if SEARCH in bot.tools:
        server.add_tool(tools.search_knowledge, name=SEARCH, description=SEARCH_HELP)
        add_documents(server, bot, bus)
    else:
        log.info("mcp_search_unavailable", fix="enable the knowledge base (kb.enabled, the "
                 "rag extra) and list search_knowledge in tools")
    return server
