"""Which stored conversation a Responses request continues, and the ids of its responses.

A stored response's id names its conversation and its place in it:
``resp_<k>_<conversation id>`` is the answer to the conversation's k-th question (the id is
known before the answer exists, as a stream's first event must carry it).
``previous_response_id`` continues that conversation from that answer: the stored turns up
to it are the history. An older response branches the conversation there, as editing a
message does in a chat client: the later turns are superseded (see :mod:`bot.transcript`).
Conversations are per API key, as for chat completions (``api:<key name>:<id>``): another
key's response id is not found.

Without ``previous_response_id`` the conversation is found as for chat completions: a
conversation header (``api.conversation_headers``) names it, or its id is derived from
``user`` and the first user message, so a client that resends the whole history as input
items (agent frameworks do) continues one stored conversation without duplicate turns.
A response that was not stored (``store: false``) gets an id no request can continue.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.transcript import Shown
from contracts.store import Store
from presenters.api.conversation import auto_id, named_id
from presenters.api.errors import ApiError
from presenters.api.request import Question
from presenters.api.responses_request import Ask

PREFIX = "resp_"


@dataclass(frozen=True)
class Thread:
    """The conversation one response belongs to, and the response's id."""

    key: str  # the Session key
    id: str  # the conversation id (X-Bot-Conversation)
    shown: list[Shown] | None  # the history to reconcile with; None: the store's
    response_id: str


def response_id(position: int, conversation: str, stored: bool) -> str:
    """The id of the answer to question ``position``; random (never found) when not stored."""
    if not stored:
        return f"{PREFIX}{secrets.token_hex(16)}"
    return f"{PREFIX}{position}_{conversation}"


def parse_id(value: str) -> tuple[int, str] | None:
    """(position, conversation id) of a stored response's id; None for any other string."""
    position, _, conversation = value.removeprefix(PREFIX).partition("_")
    if not value.startswith(PREFIX) or not position.isdigit() or not conversation:
        return None
    return int(position), conversation


def not_found(value: str) -> ApiError:
    return ApiError(400, f"Previous response with id '{value}' not found. Continue from the id "
                    "of a stored response of the same API key (responses made with "
                    "store: false are not kept).", param="previous_response_id",
                    code="previous_response_not_found")


def derived_question(ask: Ask) -> Question:
    """``ask`` as a chat question, for the conversation id chat completions derive."""
    first = next((s.text for s in ask.history if s.role == "user"), ask.text)
    return Question(model=ask.model, text=ask.text, history=ask.history, first_user_text=first,
                    stream=ask.stream, include_usage=False, user=ask.user)


def questions(shown: Sequence[Shown]) -> int:
    return sum(1 for s in shown if s.role == "user")


def stored_history(store: Store, key: str) -> list[Shown]:
    return [Shown(t.role, t.text) for t in store.history(key)]


def history_until(store: Store, key: str, position: int) -> list[Shown] | None:
    """The conversation up to the answer to question ``position``; None when it has fewer."""
    shown = stored_history(store, key)
    users = [i for i, s in enumerate(shown) if s.role == "user"]
    if position < 1 or len(users) < position:
        return None
    return shown[:users[position]] if position < len(users) else shown


async def thread_for(caller: str, ask: Ask, store: Store, headers: Mapping[str, str],
                     names: Sequence[str]) -> Thread:
    """The conversation ``ask`` continues (or starts), the history it carries, its id."""
    if ask.previous_response_id is None:
        named = named_id(headers, names)
        conv_id = named or auto_id(derived_question(ask))
        key = f"api:{caller}:{conv_id}"
        shown = None if named and not ask.history else ask.history
        before = shown if shown is not None else await asyncio.to_thread(
            stored_history, store, key)
        # store: false runs in an empty store of its own: it needs the history spelled out
        return Thread(key, conv_id, shown if ask.store else before,
                      response_id(questions(before) + 1, conv_id, ask.store))
    found = parse_id(ask.previous_response_id)
    if found is None:
        raise not_found(ask.previous_response_id)
    position, conv_id = found
    key = f"api:{caller}:{conv_id}"
    until = await asyncio.to_thread(history_until, store, key, position)
    if until is None:
        raise not_found(ask.previous_response_id)
    shown = until + ask.history
    return Thread(key, conv_id, shown, response_id(questions(shown) + 1, conv_id, ask.store))
