"""Rated answers read back from the store: for fine-tune export and feedback regressions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from contracts.store import TurnRecord
from stores import schema as q


class Readable(Protocol):
    def fetch(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]: ...


@dataclass
class RatedAnswer:
    """An answer, the conversation up to it (oldest first, the answer last), its latest
    rating and the last comment given with a rating of that sign."""

    turns: list[TurnRecord]
    score: int
    comment: str | None
    key: str

    @property
    def answer(self) -> TurnRecord:
        return self.turns[-1]


FEEDBACK = "SELECT turn_id, score, comment FROM feedback WHERE created_at >= ? ORDER BY id"
CONVERSATION = (
    f"SELECT {q.TURN_COLUMNS} FROM turns WHERE conversation_id = "
    "(SELECT conversation_id FROM turns WHERE id = ?) AND id <= ? AND superseded = 0 "
    "ORDER BY id"
)


def latest_ratings(store: Readable, since: float) -> dict[int, tuple[int, str | None]]:
    """turn id -> (latest score, last comment given with that score's sign)."""
    out: dict[int, tuple[int, str | None]] = {}
    for turn_id, score, comment in store.fetch(FEEDBACK, (since,)):
        previous = out.get(turn_id)
        same_sign = previous is not None and (previous[0] > 0) == (score > 0)
        kept = comment or (previous[1] if same_sign and previous else None)
        out[int(turn_id)] = (int(score), kept)
    return out


def rated_answers(store: Readable, sign: int, since: float = 0.0) -> list[RatedAnswer]:
    """Answers whose latest rating has ``sign`` (1: 👍, -1: 👎), oldest first."""
    found = []
    for turn_id, (score, comment) in sorted(latest_ratings(store, since).items()):
        if (score > 0) != (sign > 0):
            continue
        turns = [q.turn_from_row(r) for r in store.fetch(CONVERSATION, (turn_id, turn_id))]
        if turns and turns[-1].id == turn_id and turns[-1].role == "assistant":
            found.append(RatedAnswer(turns, score, comment, turns[-1].key))
    return found
