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
Messages the client adds are stored as they are; its answers with ``backend = "client"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.contracts.store import AssistantTurn, Store, TurnRecord

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


def reconcile(stored: Sequence[TurnRecord], shown: Sequence[Shown]) -> Reconciliation:
    """The changes that make ``stored`` (oldest first) equal ``shown``."""
    same = 0
    while same < min(len(stored), len(shown)) and matches(stored[same], shown[same]):
        same += 1
    if same == len(stored) == len(shown):
        return Reconciliation()
    if same == 0 and stored:
        return Reconciliation(reset=True, add=tuple(shown))
    if same < len(stored):
        return Reconciliation(supersede_from=stored[same].id, add=tuple(shown[same:]))
    return Reconciliation(add=tuple(shown[same:]))


def adopt(store: Store, key: str, shown: Sequence[Shown], user: str | None) -> Reconciliation:
    """Bring conversation ``key`` in line with ``shown``; blocking (run it in a thread)."""
    plan = reconcile(store.history(key), shown)
    if plan.reset:
        store.reset(key)
    elif plan.supersede_from is not None:
        store.supersede_from(key, plan.supersede_from)
    for message in plan.add:
        if message.role == "user":
            store.add_user_turn(key, message.text, user)
        else:
            store.add_assistant_turn(key, AssistantTurn(text=message.text,
                                                        backend=IMPORTED_BACKEND))
    return plan
