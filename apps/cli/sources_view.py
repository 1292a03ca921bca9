"""What ``bot sources list|status`` print, and the progress bar of a manual sync."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def source_lines(settings: Any, store: Any) -> list[str]:
    """One line per configured source: kind, schedule, collection, documents, problems."""
    from sources.kinds import check_sources
    from sources.state import SyncState

    counts = SyncState(store).names()
    lines = []
    for name, source in settings.sources.items():
        state = "enabled" if source.enabled else "disabled"
        collection = source.collection or settings.kb.collection
        lines.append(f"{name}: {source.kind}, {source.schedule or 'manual'}, {state}, "
                     f"collection {collection}, {counts.get(name, 0)} documents")
    lines += [f"  problem: {p}" for p in check_sources(settings.sources)]
    return lines


def status_lines(settings: Any, store: Any) -> list[str]:
    """Last run, its changes and errors (with the fix), and the next run, per source; then
    documents of sources no longer configured (renamed or removed) and how to prune them."""
    from sources.report import last_run
    from sources.scheduler import next_run_at
    from sources.state import SyncState

    lines = []
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
            lines.append("  next run: manual (`bot sources sync " + name + "`)")
    for name, count in SyncState(store).names().items():
        if name not in settings.sources:
            lines.append(f"{name}: not configured, but {count} of its documents are indexed. "
                         f"Fix: `bot sources prune {name}` (or restore [sources.{name}])")
    return lines or ["No sources configured. Fix: add [sources.NAME] to bot.toml"]


def bar_factory() -> Callable[[str], Callable[[int, int], None] | None]:
    """A tqdm bar per source on stderr (hidden when stderr is not a terminal)."""

    def for_source(name: str) -> Callable[[int, int], None] | None:
        if not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        bar: Any = None

        def advance(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, desc=name, unit="doc", file=sys.stderr, leave=False)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        return advance

    return for_source
