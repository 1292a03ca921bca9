"""What ``bot sources list|status`` print, and the progress bar of a manual sync."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sources.status import status_lines

__all__ = ["bar_factory", "source_lines", "status_lines"]


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
