"""What operators see of each source: the last run, its changes and errors (with the fix),
the next run, and documents of sources no longer configured (``bot sources status`` and the
Sources section of the Gradio admin view)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sources.report import last_run
from sources.scheduler import next_run_at
from sources.state import SyncState

if TYPE_CHECKING:
    from config import Settings


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def status_lines(settings: Settings, store: Any) -> list[str]:
    """Per source: last run, changes, errors, next run; then unconfigured sources' documents."""
    lines: list[str] = []
    for name, source in settings.sources.items():
        run = last_run(store, name)
        if run is None:
            lines.append(f"{name}: never synced")
        else:
            lines.append(
                f"{name}: {run.outcome} at {_when(run.started_at)} in {run.duration_s:.1f}s: "
                f"{run.added} added, {run.changed} changed, {run.removed} removed, "
                f"{run.unchanged} unchanged, {run.skipped} skipped, {run.embedded} passages "
                "embedded")
            lines += [f"  error: {e}" for e in run.errors[:10]]
        if source.enabled and source.schedule:
            at = next_run_at(source.schedule, run.started_at if run else None, time.time())
            lines.append(f"  next run: {_when(at)} ({source.schedule})")
        else:
            lines.append(f"  next run: manual (`bot sources sync {name}`)")
    for name, count in SyncState(store).names().items():
        if name not in settings.sources:
            lines.append(f"{name}: not configured, but {count} of its documents are indexed. "
                         f"Fix: `bot sources prune {name}` (or restore [sources.{name}])")
    return lines or ["No sources configured. Fix: add [sources.NAME] to bot.toml"]
