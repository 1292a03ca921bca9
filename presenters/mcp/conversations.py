"""Which conversation an MCP call belongs to: one Session key per MCP client session.

- stdio: one client per process, so one conversation per ``bot serve mcp`` process;
- streamable HTTP with sessions (protocol versions up to 2025-11-25): the ``Mcp-Session-Id``
  the SDK minted for that client;
- stateless HTTP (2026-07-28, no sessions): a new conversation per call.

Every ``ask`` result names its ``conversation``; passing it back continues that
conversation on any transport. Ids are unguessable tokens: knowing one gives access.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEY_PREFIX = "mcp"


class UnknownConversation(ValueError):
    """A ``conversation`` argument that cannot be an id this server returned."""


class Conversations:
    def __init__(self, transport: str) -> None:
        self.transport = transport
        self.process_id = secrets.token_urlsafe(16)  # the stdio client's conversation

    def pick(self, asked: str | None, request: Any) -> str:
        """The conversation id for a call: the one asked for, the client's session, or new."""
        if asked:
            if not ID.fullmatch(asked):
                raise UnknownConversation("conversation must be an id an earlier ask "
                                          "returned; leave it out to start a new conversation")
            return asked
        session = client_session_id(request)
        if session and ID.fullmatch(session):
            return session
        return self.process_id if self.transport == "stdio" else secrets.token_urlsafe(16)


def client_session_id(request: Any) -> str | None:
    """The ``Mcp-Session-Id`` header of an HTTP request (None on stdio and stateless HTTP)."""
    headers = getattr(request, "headers", None)
    return headers.get("mcp-session-id") if headers is not None else None


def session_key(conversation: str) -> str:
    return f"{KEY_PREFIX}:{conversation}"
