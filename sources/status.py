"""What operators see of each source: the last run, its changes and errors (with the fix),
the next run, and documents of sources no longer configured (``bot sources status`` and the
Sources section of the Gradio admin view)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from config.sources import MIN_ACCESS_INTERVAL_S
from sources.report import last_run
from sources.scheduler import next_run_at
from sources.state import SyncState

if TYPE_CHECKING:
    from config import Settings


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def permission_lines(settings: Settings, store: Any, name: str, enabled: bool) -> list[str]:
    """The last permission pass (a failed one: the source is closed, and why) and the next."""
    run = last_run(store, name, "permissions")
    lines = []
    if run is not None:
        what = "failed" if run.outcome == "failed" else run.outcome
        lines.append(f"  permissions: {what} at {_when(run.started_at)} in "
                     f"{run.duration_s:.1f}s: readers of {run.changed} documents changed, "
                     f"{run.unchanged} unchanged")
        lines += [f"    error: {e}" for e in run.errors[:10]]
    if settings.access.enabled and enabled:
        every = settings.access.access_schedule
        at = next_run_at(every, run.started_at if run else None, time.time(),
                         MIN_ACCESS_INTERVAL_S)
        lines.append(f"  next permission pass: {_when(at)} ({every})")
    return lines


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
        lines += permission_lines(settings, store, name, source.enabled)
    for name, count in SyncState(store).names().items():
        if name not in settings.sources:
            lines.append(f"{name}: not configured, but {count} of its documents are indexed. "
                         f"Fix: `bot sources prune {name}` (or restore [sources.{name}])")
    return lines or ["No sources configured. Fix: add [sources.NAME] to bot.toml"]
