"""What one sync of one source did, and the run history kept in the store."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sources.state import sql


@dataclass
class SyncReport:
    """One run. ``outcome``: ok, partial (some documents failed or deletes were held back),
    failed (no listing, or the credentials were refused), busy (another runner has it).
    ``run_of``: ``content`` (a sync) or ``permissions`` (a permission pass)."""

    name: str
    run_of: str = "content"
    started_at: float = field(default_factory=time.time)
    seconds: float = 0.0
    listed: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    embedded: int = 0
    chunks: int = 0
    outcome: str = "ok"

    def fail(self, message: str) -> None:
        self.errors.append(message)
        self.outcome = "failed"

    def problem(self, message: str) -> None:
        self.errors.append(message)
        if self.outcome == "ok":
            self.outcome = "partial"

    def summary(self) -> str:
        """One line: what changed and how long it took."""
        parts = [f"{len(self.added)} added", f"{len(self.changed)} changed",
                 f"{len(self.removed)} removed", f"{self.unchanged} unchanged"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.errors:
            parts.append(f"{len(self.errors)} errors")
        if self.run_of == "permissions":
            parts = [f"readers of {len(self.changed)} documents changed",
                     f"{self.unchanged} unchanged", *parts[4:]]
        head = f"{self.name}: " + ("permissions " if self.run_of == "permissions" else "")
        return head + f"{self.outcome}, " + ", ".join(parts) + f" in {self.seconds:.1f}s"


@dataclass(frozen=True)
class RunRecord:
    """A past run as ``bot sources status`` shows it."""

    name: str
    started_at: float
    duration_s: float
    added: int
    changed: int
    removed: int
    unchanged: int
    skipped: int
    embedded: int
    outcome: str
    errors: list[str]
    run_of: str = "content"


INSERT_RUN = ("INSERT INTO source_runs (name, started_at, duration_s, added, changed, removed, "
              "unchanged, skipped, embedded, outcome, errors, run_of) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
LAST_RUN = ("SELECT name, started_at, duration_s, added, changed, removed, unchanged, skipped, "
            "embedded, outcome, errors, run_of FROM source_runs WHERE name = ? AND run_of = ? "
            "ORDER BY id DESC LIMIT 1")


def record_run(store: Any, report: SyncReport) -> None:
    """Append ``report`` to the run history (a busy run is not a run)."""
    if report.outcome == "busy":
        return
    params = (report.name, report.started_at, report.seconds, len(report.added),
              len(report.changed), len(report.removed), report.unchanged, len(report.skipped),
              report.embedded, report.outcome, json.dumps(report.errors[:50]), report.run_of)
    with store.transaction() as cur:
        cur.execute(sql(store, INSERT_RUN), params)


def last_run(store: Any, name: str, run_of: str = "content") -> RunRecord | None:
    """The latest content sync (or, with ``run_of="permissions"``, permission pass)."""
    with store.transaction() as cur:
        cur.execute(sql(store, LAST_RUN), (name, run_of))
        row = cur.fetchone()
    if row is None:
        return None
    return RunRecord(str(row[0]), float(row[1]), float(row[2]), int(row[3]), int(row[4]),
                     int(row[5]), int(row[6]), int(row[7]), int(row[8]), str(row[9]),
                     list(json.loads(row[10])), str(row[11]))
