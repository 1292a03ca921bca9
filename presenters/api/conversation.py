"""Which stored conversation a request continues: the rule of docs/api.md, "Conversations".

1. A conversation header (``api.conversation_headers``, first found: ``X-Bot-Conversation``,
   Open WebUI's ``X-OpenWebUI-Chat-Id``) names it: its value is the conversation id.
2. Otherwise the id is derived from the ``user`` field and the chat's first user message
   (``auto-`` + a hash of both), which tells apart the chats of one end user.

The Session key is ``api:<key name>:<id>``: a key never reaches another key's conversations.
Every response names the id in its ``X-Bot-Conversation`` header, so a client can pin it.

The history a request carries is what the store is brought in line with
(:mod:`bot.transcript`), except when a named conversation's request carries no history at
all: then the stored conversation is the history, so a client may send only its new message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.transcript import Shown
from presenters.api.errors import bad_request
from presenters.api.request import Question

CONVERSATION_ID = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no spaces
HEADER = "X-Bot-Conversation"


@dataclass(frozen=True)
class Conversation:
    key: str  # the Session key
    id: str  # what a client may send back in X-Bot-Conversation
    named: bool  # the client named it in a header

    def shown(self, question: Question) -> list[Shown] | None:
        """The history to reconcile with the store; ``None``: the store's is the history."""
        if self.named and not question.history:
            return None
        return question.history


def named_id(headers: Mapping[str, str], names: Sequence[str]) -> str | None:
    """The first configured conversation header present, checked."""
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        if not CONVERSATION_ID.fullmatch(value):
            raise bad_request(f"The {name} header must be 1-200 printable characters without "
                              "spaces.", name, "invalid_value")
        return value
    return None


def auto_id(question: Question) -> str:
    """``auto-`` + 24 hex digits of the end user and the chat's first user message."""
    seed = f"{question.user or ''}\0{' '.join(question.first_user_text.split())}"
    return "auto-" + hashlib.sha256(seed.encode()).hexdigest()[:24]


def conversation_for(key_name: str, headers: Mapping[str, str], names: Sequence[str],
                     question: Question) -> Conversation:
    named = named_id(headers, names)
    conv_id = named or auto_id(question)
    return Conversation(key=f"api:{key_name}:{conv_id}", id=conv_id, named=named is not None)
