"""One permission pass of one source: re-read who may read each indexed document (and the
groups the service lists) and rewrite the passages' readers in both indexes, without
fetching content or embedding anything.

It runs under the same lease as the source's content sync, so one runner per source does
either at a time. When the service will not say who may read (credentials refused, a 5xx,
a connector bug), the source **fails closed**: every passage of it becomes readable by
nobody and its group memberships are dropped, until the next good pass reopens it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import structlog

from contracts.access import NOBODY
from sources.aliases import SourceAliases
from sources.groups import SourceGroups
from sources.indexer import source_prefix
from sources.kb import open_kb
from sources.lease import SourceLease
from sources.model import Connector, Permissions, Readers
from sources.report import SyncReport, record_run
from sources.state import DocumentState, SyncState

if TYPE_CHECKING:
    from config import Settings
    from config.sources import SourceSettings

log = structlog.get_logger("sources.permissions")

CLOSED = (
    "its documents are unreadable to everyone (fail closed) until the next good permission pass"
)


class PermissionSync:
    """Re-reads ``[sources.NAME]``'s permissions into its passages and the store."""

    def __init__(
        self,
        settings: Settings,
        name: str,
        source: SourceSettings,
        connector: Connector,
        bot_store: Any,
    ) -> None:
        self.settings, self.name, self.source = settings, name, source
        self.connector, self.bot_store = connector, bot_store
        self.state = SyncState(bot_store)

    def run(self, lease: SourceLease | None = None) -> SyncReport:
        """One pass (outcome ``busy`` when another runner holds the source)."""
        report = SyncReport(self.name, run_of="permissions")
        started = time.monotonic()
        with (lease or SourceLease(self.bot_store)).hold(self.name) as held:
            if not held:
                report.outcome = "busy"
                return report
            self._pass(report)
            report.seconds = time.monotonic() - started
            record_run(self.bot_store, report)
        log.info(
            "source_permissions_synced",
            source=self.name,
            outcome=report.outcome,
            changed=len(report.changed),
            unchanged=report.unchanged,
            groups=report.listed,
            errors=len(report.errors),
            seconds=round(report.seconds, 3),
        )
        return report

    def _pass(self, report: SyncReport) -> None:
        known = self.state.documents(self.name)
        try:
            read = self._read(sorted(known))
        except Exception as exc:  # the service would not say: nobody may read, for now
            self._close(report, exc)
            return
        for problem in read.problems:
            report.problem(problem)
        try:
            self._apply(read, known, report)
        except Exception as exc:  # the knowledge base failed: readers stay as they were
            log.exception("source_permissions_crashed", source=self.name)
            report.fail(f"{type(exc).__name__}: {exc}")

    def _read(self, keys: list[str]) -> Permissions:
        reader = getattr(self.connector, "read_permissions", None)
        if reader is None:  # a kind that cannot: its readers change with content syncs
            return Permissions(
                problems=[
                    f"{self.source.kind} sources cannot re-read "
                    "permissions apart from a content sync"
                ]
            )
        return reader(keys)  # type: ignore[no-any-return]

    def _apply(
        self, read: Permissions, known: Mapping[str, DocumentState], report: SyncReport
    ) -> None:
        """Readers into both indexes and the store; the groups and links into the store."""
        wanted = {k: _listed(read.readers.get(k), d) for k, d in known.items()}
        changed = {k: v for k, v in wanted.items() if list(known[k].readers) != v}
        if known:
            self._rewrite(wanted)
        self.state.set_readers(self.name, changed)
        report.changed, report.unchanged = sorted(changed), len(known) - len(changed)
        report.listed = len(read.groups)
        SourceGroups(self.bot_store).replace(self.name, read.groups)
        SourceAliases(self.bot_store).replace(self.name, read.links)

    def _rewrite(
        self, wanted: Mapping[str, Sequence[str]], other: Sequence[str] | None = None
    ) -> None:
        """Every chunk of this source gets its document's readers (closed ones reopen);
        ``other``: what chunks of documents not in ``wanted`` get (None: left alone)."""
        from knowledge.readers import set_readers

        prefix = source_prefix(self.name)
        store, lexical = open_kb(self.settings, self.source)
        try:
            set_readers(store, lexical, lambda meta: _of(meta, prefix, wanted, other))
        finally:
            if lexical is not None:
                lexical.close()
            store.close()

    def _close(self, report: SyncReport, exc: Exception) -> None:
        """Fail closed: this source's passages readable by nobody, its groups dropped."""
        log.warning(
            "source_permissions_closed",
            source=self.name,
            error_type=type(exc).__name__,
            error=str(exc)[:300],
        )
        report.fail(f"{exc}: {CLOSED}")
        SourceGroups(self.bot_store).forget(self.name)
        SourceAliases(self.bot_store).forget(self.name)
        try:
            self._rewrite({}, [NOBODY])
        except Exception as kb_exc:
            report.errors.append(
                f"closing failed ({type(kb_exc).__name__}: {kb_exc}); the next pass tries again"
            )


def _listed(read: Readers | None, known: DocumentState) -> list[str]:
    """What a document's readers are now: what the pass read, else what was stored."""
    listed = read.as_list() if read is not None else list(known.readers)
    return listed or [NOBODY]


def _of(
    meta: Mapping[str, Any],
    prefix: str,
    wanted: Mapping[str, Sequence[str]],
    other: Sequence[str] | None,
) -> Sequence[str] | None:
    """The readers chunk ``meta`` should carry (None: not this source's, leave it)."""
    path = str(meta.get("path", ""))
    return wanted.get(path[len(prefix) :], other) if path.startswith(prefix) else None
