"""What the store must change to hold the conversation a client shows (bot.transcript)."""

from __future__ import annotations

from bot.transcript import Reconciliation, Shown, reconcile
from contracts.store import TurnRecord


def turns(*said: tuple[str, str]) -> list[TurnRecord]:
    return [TurnRecord(id=i + 1, key="k", role=role, text=text)  # type: ignore[arg-type]
            for i, (role, text) in enumerate(said)]


STORED = turns(("user", "One?"), ("assistant", "Yes."), ("user", "Two?"), ("assistant", "No."))
SHOWN = [Shown("user", "One?"), Shown("assistant", "Yes.\n\nSources:\n- [1] a.md"),
         Shown("user", " Two? "), Shown("assistant", "No.")]


def test_the_same_conversation_needs_no_change() -> None:
    assert reconcile(STORED, SHOWN) == Reconciliation()
    assert not reconcile([], []).changes


def test_a_longer_client_history_adds_only_what_is_missing() -> None:
    assert reconcile(STORED[:2], SHOWN) == Reconciliation(add=tuple(SHOWN[2:]))


def test_a_shorter_or_different_history_supersedes_from_the_first_difference() -> None:
    assert reconcile(STORED, SHOWN[:2]) == Reconciliation(supersede_from=3)
    edited = [*SHOWN[:2], Shown("user", "Two, edited?")]
    assert reconcile(STORED, edited) == Reconciliation(supersede_from=3, add=(edited[2],))


def test_another_opening_or_an_empty_history_starts_a_new_conversation() -> None:
    other = [Shown("user", "Something else")]
    assert reconcile(STORED, other) == Reconciliation(reset=True, add=tuple(other))
    assert reconcile(STORED, []) == Reconciliation(reset=True)


def test_an_answer_matches_only_when_the_client_copy_begins_with_it() -> None:
    stored = turns(("user", "Q"), ("assistant", "The answer"))
    assert reconcile(stored, [Shown("user", "Q"), Shown("assistant", "The answer (edited)")]) \
        == Reconciliation()
    assert reconcile(stored, [Shown("user", "Q"), Shown("assistant", "A different one")]) \
        == Reconciliation(supersede_from=2, add=(Shown("assistant", "A different one"),))
    failed = turns(("user", "Q"), ("assistant", ""))  # an answer that failed before any text
    assert not reconcile(failed, [Shown("user", "Q"), Shown("assistant", "Sorry — …")]).changes


def test_the_refusal_shown_after_a_refused_question_is_not_an_answer_to_store() -> None:
    refused = [TurnRecord(id=1, key="k", role="user", text="Q", refused="budgets.user.x"),
               TurnRecord(id=2, key="k", role="user", text="Q again")]
    shown = [Shown("user", "Q"), Shown("assistant", "Sorry — your budget is used up."),
             Shown("user", "Q again")]
    assert reconcile(refused, shown) == Reconciliation()
    assert reconcile(refused[:1], shown[:2]) == Reconciliation()
