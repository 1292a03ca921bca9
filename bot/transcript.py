"""A conversation as a client shows it, made to agree with the store before the next answer.

OpenAI-style clients resend every message of a chat with each request, while the store
keeps the same conversation. :func:`reconcile` compares the two; the client wins, because it
shows what its user sees:

- the same turns: nothing changes, and only the new message is added (no duplicates);
- the client shows fewer turns, or different ones (a message edited, an answer regenerated,
  turns deleted): the stored turns from the first difference on are superseded (hidden from
  the conversation, kept in the store, as ``/retry`` does), then the client's remaining
  messages are added;
- the client's first message differs from the stored one, or it shows nothing before its
  new message while the store holds a conversation: a new conversation starts under the key
  (the old one is archived, as ``/reset`` does), holding the client's messages.

A user message matches a stored one when their text is the same, whitespace aside. An
assistant message matches a stored answer when it begins with that answer's text: the
client's copy also carries what the presenter appended (notes, the apology, the sources).
A question a budget refused has no stored answer; the refusal the client shows after it
matches that absence. Messages the client adds are stored as they are; its answers with
``backend = "client"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from contracts.store import AssistantTurn, Store, TurnRecord

IMPORTED_BACKEND = "client"  # the backend recorded on an answer the client supplied


@dataclass(frozen=True)
class Shown:
    """One message of the conversation as the client shows it."""

    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class Reconciliation:
    """What to change in the store so that it holds what the client shows."""

    reset: bool = False
    supersede_from: int | None = None  # the first stored turn that no longer belongs
    add: tuple[Shown, ...] = ()

    @property
    def changes(self) -> bool:
        return self.reset or self.supersede_from is not None or bool(self.add)


def _words(text: str) -> str:
    return " ".join(text.split())


def matches(turn: TurnRecord, shown: Shown) -> bool:
    """Whether the client's message is this stored turn (see the module docstring)."""
    if turn.role != shown.role:
        return False
    if turn.role == "user":
        return _words(turn.text) == _words(shown.text)
    return _words(shown.text).startswith(_words(turn.text))


def _refusal_shown(stored: Sequence[TurnRecord], i: int, shown: Sequence[Shown], j: int) -> bool:
    """The client shows an answer where the store has none: a refused question's apology."""
    return (bool(stored[i - 1].refused) and j < len(shown) and shown[j].role == "assistant"
            and (i == len(stored) or stored[i].role != "assistant"))


def reconcile(stored: Sequence[TurnRecord], shown: Sequence[Shown]) -> Reconciliation:
    """The changes that make ``stored`` (oldest first) equal ``shown``."""
    i = j = 0  # how many stored turns, and client messages, agree so far
    while i < len(stored) and j < len(shown) and matches(stored[i], shown[j]):
        i, j = i + 1, j + 1
        j += _refusal_shown(stored, i, shown, j)
    if i == len(stored) and j == len(shown):
        return Reconciliation()
    if i == 0 and stored:
        return Reconciliation(reset=True, add=tuple(shown))
    if i < len(stored):
        return Reconciliation(supersede_from=stored[i].id, add=tuple(shown[j:]))
    return Reconciliation(add=tuple(shown[j:]))


def adopt(store: Store, key: str, shown: Sequence[Shown], user: str | None,
          space: str | None = None) -> Reconciliation:
    """Bring conversation ``key`` in line with ``shown``; blocking (run it in a thread)."""
    plan = reconcile(store.history(key), shown)
    if plan.reset:
        store.reset(key)
    elif plan.supersede_from is not None:
        store.supersede_from(key, plan.supersede_from)
    for message in plan.add:
        if message.role == "user":
            store.add_user_turn(key, message.text, user, space)
        else:
            store.add_assistant_turn(key, AssistantTurn(text=message.text,
                                                        backend=IMPORTED_BACKEND))
    return plan
