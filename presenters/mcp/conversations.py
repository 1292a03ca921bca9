"""Which conversation an MCP call belongs to: one Session key per MCP client session.

- stdio: one client per process, so one conversation per ``bot serve mcp`` process;
- streamable HTTP with sessions (protocol versions up to 2025-11-25): the ``Mcp-Session-Id``
  the SDK minted for that client;
- stateless HTTP (2026-07-28, no sessions): a new conversation per call.

Every ``ask`` result names its ``conversation``; passing it back continues that
conversation on any transport. Ids are unguessable tokens, and knowing one gives access, so:

- a ``conversation`` passed back must be one this server returned *to the same caller*: the
  Session key is ``mcp:<caller>:<hash of the id>``, and an id whose key holds no stored turn
  is refused (made up, mistyped, or another caller's);
- the id itself is never a key, so it reaches neither the store nor the logs in clear (the
  log lines name only the hash, as traces do).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from presenters.mcp.callers import Caller

ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEY_PREFIX = "mcp"
REFUSED = ("conversation must be an id an earlier ask returned to you; leave it out to start "
           "a new conversation")


class UnknownConversation(ValueError):
    """A ``conversation`` argument that is not an id this server returned to this caller."""


@dataclass(frozen=True)
class Conversation:
    id: str  # what the client sends back: a secret
    key: str  # the Session key: the caller and a hash of the id

    @property
    def hash(self) -> str:
        """What logs may show of the conversation."""
        return self.key.rsplit(":", 1)[1][:16]


def conversation(caller: Caller, conversation_id: str) -> Conversation:
    digest = hashlib.sha256(conversation_id.encode()).hexdigest()[:32]
    return Conversation(conversation_id, f"{KEY_PREFIX}:{caller.name}:{digest}")


class Conversations:
    def __init__(self, transport: str, known: Callable[[str], Awaitable[bool]]) -> None:
        self.transport = transport
        self.known = known  # whether a Session key holds stored turns
        self.process_id = secrets.token_urlsafe(16)  # the stdio client's conversation

    async def pick(self, asked: str | None, request: Any, caller: Caller) -> Conversation:
        """The conversation for a call: the one asked for, the client's session, or new."""
        if asked is not None:
            chosen = conversation(caller, asked) if ID.fullmatch(asked) else None
            if chosen is None or not await self.known(chosen.key):
                raise UnknownConversation(REFUSED)
            return chosen
        session = client_session_id(request)
        if session and ID.fullmatch(session):
            return conversation(caller, session)
        fresh = self.process_id if self.transport == "stdio" else secrets.token_urlsafe(16)
        return conversation(caller, fresh)


def client_session_id(request: Any) -> str | None:
    """The ``Mcp-Session-Id`` header of an HTTP request (None on stdio and stateless HTTP)."""
    headers = getattr(request, "headers", None)
    return headers.get("mcp-session-id") if headers is not None else None
