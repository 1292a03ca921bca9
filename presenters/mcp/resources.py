"""Registering the documents (resources, subscriptions) and the prompts on the MCP server.

Resources go through the SDK's low-level request handlers: its high-level resource manager
holds a fixed list, while the knowledge base is paged and changes under the server.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError

from bot.access import source_groups
from bot.app import Bot
from bot.documents import DocumentShelf
from presenters.mcp.callers import Caller, NotGranted, granted
from presenters.mcp.documents import INVALID_PARAMS, Documents, document_path
from presenters.mcp.prompts import BotPrompts
from presenters.mcp.watch import DocumentWatch

DOCUMENTS = "documents"


def add_documents(server: MCPServer, bot: Bot, bus: Any) -> None:
    """Documents as resources (list, read, subscribe) and the two prompts."""
    serve = bot.settings.mcp.serve
    shelf = DocumentShelf(bot.settings, source_groups(bot.store))
    documents, watch = Documents(shelf), DocumentWatch(shelf, bus, serve.watch_s)

    def caller(request: Any) -> Caller:
        try:
            return granted(request, serve, DOCUMENTS)
        except NotGranted as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from exc

    async def list_resources(ctx: Any, params: types.PaginatedRequestParams) -> Any:
        who = caller(ctx.request)
        await watch.watch(who.space)  # listeners (2026-07-28) hear of changes from now on
        return await documents.list(who, params.cursor)

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> Any:
        who = caller(ctx.request)
        await watch.watch(who.space)
        return await documents.read(who, str(params.uri))

    async def subscribe(ctx: Any, params: types.SubscribeRequestParams) -> Any:
        who, uri = caller(ctx.request), str(params.uri)
        document_path(uri)  # refuses URIs that name no document of this server
        await watch.subscribe(ctx.session, uri, who.space)
        return types.EmptyResult()

    async def unsubscribe(ctx: Any, params: types.UnsubscribeRequestParams) -> Any:
        watch.unsubscribe(ctx.session, str(params.uri))
        return types.EmptyResult()

    low = server._lowlevel_server  # private, but the SDK's one hook for dynamic resources
    low.add_request_handler("resources/list", types.PaginatedRequestParams, list_resources)
    low.add_request_handler("resources/read", types.ReadResourceRequestParams, read_resource)
    low.add_request_handler("resources/subscribe", types.SubscribeRequestParams, subscribe)
    low.add_request_handler("resources/unsubscribe", types.UnsubscribeRequestParams,
                            unsubscribe)
    add_prompts(server, bot, documents, lambda ctx, _: caller(ctx.request_context.request))
    server.watch = watch  # type: ignore[attr-defined]  # tests drive check() directly


def add_prompts(server: MCPServer, bot: Bot, documents: Documents, caller: Any) -> None:
    prompts = BotPrompts(bot, documents, caller)
    server.prompt(name="ask_with_sources", title="Ask with sources")(prompts.ask_with_sources)
    server.prompt(name="summarise_document", title="Summarise a document")(
        prompts.summarise_document)
