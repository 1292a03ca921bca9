"""Webhook triggers that arrive before a tick are synced together: the changes they name in
the order they came, or the whole source once any trigger names no change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sources.model import Change
from sources.report import SyncReport
from sources.scheduler import SourceScheduler
from tests.sources.helpers import settings_with


class RecordingRunner:
    """Records what the scheduler asks to sync (the engine itself is tested elsewhere)."""

    def __init__(self) -> None:
        self.bot_store: Any = None
        self.calls: list[tuple[str, list[Change] | None]] = []

    def sync_one(self, name: str, source: Any, changes: list[Change] | None = None) -> SyncReport:
        self.calls.append((name, changes))
        return SyncReport(name)


def change(before: str, after: str) -> Change:
    return Change(frozenset({f"r:{after}.md"}), frozenset(), {"r": before}, {"r": after})


def scheduler(tmp_path: Path) -> tuple[SourceScheduler, RecordingRunner]:
    settings = settings_with(
        tmp_path,
        a={"kind": "folder", "paths": [str(tmp_path)]},
        b={"kind": "folder", "paths": [str(tmp_path)]},
    )
    runner = RecordingRunner()
    return SourceScheduler(settings, runner), runner  # type: ignore[arg-type]


def test_changes_before_a_tick_are_synced_together_in_order(tmp_path: Path) -> None:
    sched, runner = scheduler(tmp_path)
    first, second = change("c1", "c2"), change("c2", "c3")
    assert sched.trigger("a", first) and sched.trigger("a", second)
    sched.run_due()
    assert runner.calls == [("a", [first, second])]
    sched.run_due()  # nothing triggered since: nothing synced
    assert len(runner.calls) == 1


def test_a_trigger_without_a_change_syncs_the_whole_source(tmp_path: Path) -> None:
    sched, runner = scheduler(tmp_path)
    sched.trigger("a", change("c1", "c2"))
    sched.trigger("a")
    sched.trigger("a", change("c2", "c3"))  # still whole: a listing finds this one too
    sched.trigger("b")
    sched.run_due()
    assert runner.calls == [("a", None), ("b", None)]
