"""The prompts ``bot serve mcp`` offers a client's own model: ``ask_with_sources`` (the
question with the knowledge base's best passages, numbered, to answer from and cite) and
``summarise_document`` (a document of the knowledge base, to summarise)."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.prompts.base import Message, UserMessage
from mcp_types import EmbeddedResource, TextResourceContents
from pydantic import Field

from bot.app import Bot
from contracts.tools import ToolError
from presenters.mcp.documents import Documents

SEARCH = "search_knowledge"
ASK_WITH_SOURCES = (
    "Answer the question below from these passages of the team's documents. Cite the "
    "passages you use by their numbers, like [1], and end with the list of sources you "
    "cited. If the passages do not answer it, say so rather than guess.\n\nQuestion: "
    "{question}\n\n{passages}")
SUMMARISE = ("Summarise the document {name} (attached) for a colleague in {length}: what it "
             "is for, the decisions or steps it sets out, and anything a reader must not miss.")


class BotPrompts:
    def __init__(self, bot: Bot, documents: Documents, caller: Any) -> None:
        self.bot, self.documents, self.caller = bot, documents, caller

    async def ask_with_sources(
        self, question: Annotated[str, Field(description="the question, as a person asks it")],
        ctx: Context,
    ) -> list[Message]:
        """The question and the knowledge base's best passages, to answer with citations."""
        caller = self.caller(ctx, "documents")
        try:
            found = await self.bot.run_tool(SEARCH, {"query": question}, caller.space,
                                            caller.user)
        except ToolError as exc:
            passages = f"(The knowledge base could not be searched: {exc})"
        else:
            passages = "\n\n".join(
                [found.content, *(f"[{s.n}] {s.label()}\n{s.text}" for s in found.sources)])
        return [UserMessage(ASK_WITH_SOURCES.format(question=question, passages=passages))]

    async def summarise_document(
        self, uri: Annotated[str, Field(description="the document's resource URI, "
                                        "bot://documents/…")],
        ctx: Context,
        length: Annotated[str, Field(description="e.g. 'five bullet points'")] = "a paragraph",
    ) -> list[Message]:
        """A document of the knowledge base, attached, and the ask to summarise it."""
        caller = self.caller(ctx, "documents")
        info, text = await self.documents.text(caller, uri)
        attached = EmbeddedResource(type="resource", resource=TextResourceContents(
            uri=uri, text=text, mime_type="text/plain"))
        return [UserMessage(SUMMARISE.format(name=info.title or info.path, length=length[:100])),
                UserMessage(attached)]
