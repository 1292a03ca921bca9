"""Syncing the configured sources one after another; one source's failure never stops the
next (wrong credentials, a service down, a connector not installed)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sources.kinds import SourceConfigError, build_connector
from sources.ray_choice import RayTarget, configured_ray
from sources.report import SyncReport, record_run
from sources.sync import Progress, SourceSync

if TYPE_CHECKING:
    from config import Settings
    from config.sources import SourceSettings
    from knowledge.embedder import Embedder
    from sources.model import Change


def selected(settings: Settings, names: list[str] | None) -> dict[str, SourceSettings]:
    """The sources named (all enabled ones when none are); unknown names are an error."""
    if not names:
        return {n: s for n, s in settings.sources.items() if s.enabled}
    unknown = [n for n in names if n not in settings.sources]
    if unknown:
        known = ", ".join(sorted(settings.sources)) or "none configured"
        raise SourceConfigError(f"no source named {', '.join(unknown)} ({known}). "
                                "Fix: add [sources.NAME] to bot.toml, or check the name")
    return {n: settings.sources[n] for n in names}


BACKGROUND_SWITCH_S = 0.0005  # vs Python's 0.005


@contextmanager
def quick_gil_handoff() -> Iterator[None]:
    """While a background sync runs in a serving process, make the thread holding the GIL
    hand it over after 0.5 ms instead of 5 ms: the sync's Python work (parsing, chunking,
    index writes) then delays the threads answering people by a tenth as much each time they
    wait for it (docs/benchmarks.md, ``sources_overhead``)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, BACKGROUND_SWITCH_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class SourceRunner:
    """Builds each source's connector and syncs it; one embedding model for all of them."""

    def __init__(self, settings: Settings, bot_store: Any, *, embedder: Embedder | None = None,
                 allow_mass_delete: bool = False, background: bool = False,
                 progress: Callable[[str], Progress | None] | None = None,
                 ray: RayTarget | None = None) -> None:
        self.settings = settings
        self.bot_store = bot_store
        self.embedder = embedder
        self.allow_mass_delete = allow_mass_delete
        self.progress = progress
        self.background = background  # embed on one core: the others keep answering
        self.ray = ray or configured_ray(settings)  # where large syncs embed (None: here)

    def sync(self, sources: dict[str, SourceSettings]) -> list[SyncReport]:
        return [self.sync_one(name, source) for name, source in sources.items()]

    def sync_one(
        self, name: str, source: SourceSettings, changes: list[Change] | None = None
    ) -> SyncReport:
        """Sync one source: all of it, or only what ``changes`` (webhooks) name when they
        chain from where the source stands."""
        try:
            connector = build_connector(name, source)
        except SourceConfigError as exc:
            report = SyncReport(name)
            report.fail(str(exc))
            record_run(self.bot_store, report)
            return report
        sync = SourceSync(
            self.settings, name, source, connector, self.bot_store,
            embedder=self._embedder(), allow_mass_delete=self.allow_mass_delete,
            progress=self.progress(name) if self.progress else None, ray=self.ray,
            changes=changes,
        )
        if not self.background:
            return sync.run()
        with quick_gil_handoff():
            return sync.run()

    def permissions(self, sources: dict[str, SourceSettings]) -> list[SyncReport]:
        """A permission pass of each of ``sources`` (docs/access.md)."""
        return [self.permissions_one(name, source) for name, source in sources.items()]

    def permissions_one(self, name: str, source: SourceSettings) -> SyncReport:
        """Re-read ``name``'s permissions into its passages (no content, no embedding); a
        source that cannot be built cannot say who may read it, so it fails closed too."""
        from sources.permissions import PermissionSync

        connector: Any
        try:
            connector = build_connector(name, source)
        except SourceConfigError as exc:
            connector = Unbuildable(exc)
        return PermissionSync(self.settings, name, source, connector, self.bot_store).run()

    def _embedder(self) -> Embedder:
        if self.embedder is None:
            from knowledge.embedder import build_embedder

            settings = self.settings
            if self.background:
                kb = settings.kb.model_copy(update={"embed_threads": 1})
                settings = settings.model_copy(update={"kb": kb})
            self.embedder = build_embedder(settings)
        return self.embedder


class Unbuildable:
    """Stands in for a connector its settings could not build: every read fails with why."""

    def __init__(self, error: SourceConfigError) -> None:
        self.error = error

    def read_permissions(self, keys: list[str]) -> Any:
        raise self.error
