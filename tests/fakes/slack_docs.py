"""A stand-in for the knowledge-base search in Slack tests: passages about passwords, with
URLs, and nothing for any other query."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from backends.scripted import Reply, ScriptedToolCall
from contracts.events import Source
from contracts.tools import ToolOutput

PASSAGE = Source(n=1, source="handbook/accounts.md", title="Accounts", heading="Passwords",
                 text="Reset it at https://id.example.com/reset.",
                 url="https://docs.example.com/accounts#passwords", modified="2026-11-02T10:00:00Z")


class DocsSearch:
    """``search_knowledge`` over a one-passage handbook."""

    name = "search_knowledge"
    description = "Search the team's documents."

    class Args(BaseModel):
        query: str

    async def run(self, args: Any, ctx: Any) -> ToolOutput:
        if "password" in args.query.lower():
            return ToolOutput(content=f"1 passages for {args.query!r}; cite them by number.",
                              sources=[PASSAGE])
        return ToolOutput(content=f"No passage in the knowledge base matches {args.query!r}.")


def search(query: str) -> Reply:
    """The model's reply that searches the docs for ``query``."""
    return Reply(tool_calls=[ScriptedToolCall(name="search_knowledge",
                                              arguments={"query": query})])


DOCS = {"search_knowledge": DocsSearch()}
