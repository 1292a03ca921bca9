"""One sync of one source: list -> diff against the stored state -> fetch what changed ->
index it -> delete what is gone.

Deleting is the dangerous step, so it happens only on the strength of a *complete* listing,
after everything else; and a listing that shrank to less than half of what is indexed is
not believed without ``allow_mass_delete`` (a wrong filter or a half-broken service looks
exactly like that). Credentials refused stop this source only; the caller goes on to the
next. The lease makes one runner per source across processes and replicas.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import structlog

from sources.fetcher import Fetched, Fetcher
from sources.indexer import SourceIndexer, document_path, source_prefix
from sources.kb import open_kb
from sources.lease import SourceLease
from sources.model import Connector, Entry, Listing, SourceDocument, SourceError
from sources.report import SyncReport, record_run
from sources.state import DocumentState, SyncState

if TYPE_CHECKING:
    from config import Settings
    from config.sources import SourceSettings
    from knowledge.embedder import Embedder
    from knowledge.lexical import LexicalIndex
    from knowledge.store import KnowledgeStore

log = structlog.get_logger("sources.sync")

BATCH_DOCUMENTS = 16  # documents embedded together (as ``bot ingest`` batches files)
Progress = Callable[[int, int], None]  # (documents done, documents to fetch)


class SourceSync:
    """Syncs ``[sources.NAME]`` into its collection, recording state in the bot's store."""

    def __init__(self, settings: Settings, name: str, source: SourceSettings,
                 connector: Connector, bot_store: Any, *, embedder: Embedder | None = None,
                 allow_mass_delete: bool = False, progress: Progress | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.name = name
        self.source = source
        self.connector = connector
        self.bot_store = bot_store
        self.state = SyncState(bot_store)
        self.embedder = embedder
        self.allow_mass_delete = allow_mass_delete
        self.progress = progress
        self.sleep = sleep

    def run(self, lease: SourceLease | None = None) -> SyncReport:
        """Sync once (unless another runner holds the source: outcome ``busy``)."""
        report = SyncReport(self.name)
        started = time.monotonic()
        with (lease or SourceLease(self.bot_store)).hold(self.name) as held:
            if not held:
                report.outcome = "busy"
                return report
            try:
                self._sync(report)
            except Exception as exc:  # the knowledge base itself failed: say so, keep going
                log.exception("source_sync_crashed", source=self.name)
                report.fail(f"{type(exc).__name__}: {exc}")
            report.seconds = time.monotonic() - started
            record_run(self.bot_store, report)
        log.info("source_synced", source=self.name, outcome=report.outcome,
                 added=len(report.added), changed=len(report.changed),
                 removed=len(report.removed), unchanged=report.unchanged,
                 skipped=len(report.skipped), errors=len(report.errors),
                 embedded=report.embedded, seconds=round(report.seconds, 2))
        return report

    def _sync(self, report: SyncReport) -> None:
        listing = self._listing(report)
        if listing is None:
            return
        entries = unique(listing.entries)
        known = self.state.documents(self.name)
        store, lexical = self._open_kb()
        try:
            indexer = SourceIndexer(self.settings, self.name, store, lexical, self.embedder)
            todo = self._changed(entries, known, indexer.paths())
            report.listed, report.unchanged = len(entries), len(entries) - len(todo)
            if not self._index(indexer, todo, known, report):
                return  # credentials refused: no deletes, the cursor stays
            if listing.complete:
                self._delete(indexer, entries, known, report)
            else:
                report.problem("the listing was incomplete, so nothing was deleted")
            self.state.save_cursor(self.name, listing.cursor)
        finally:
            if lexical is not None:
                lexical.close()
            store.close()

    def _changed(self, entries: list[Entry], known: dict[str, DocumentState],
                 present: set[str]) -> list[Entry]:
        """New or changed entries, and any whose passages are missing from the collection
        (a collection re-created or emptied since: the store's state alone would lie)."""
        return [e for e in entries if e.key not in known or known[e.key].version != e.version
                or document_path(self.name, e.key) not in present]

    def _listing(self, report: SyncReport) -> Listing | None:
        try:
            listing = self.connector.list_documents(self.state.cursor(self.name))
        except SourceError as exc:
            report.fail(str(exc))
            return None
        except Exception as exc:  # a connector bug: nothing is deleted on its strength
            report.fail(f"listing failed: {type(exc).__name__}: {exc}")
            return None
        for problem in listing.problems:
            report.problem(problem)
        return listing

    def _open_kb(self) -> tuple[KnowledgeStore, LexicalIndex | None]:
        return open_kb(self.settings, self.source,
                       self.embedder.name if self.embedder is not None else None)

    def _index(self, indexer: SourceIndexer, todo: list[Entry],
               known: dict[str, DocumentState], report: SyncReport) -> bool:
        """Fetch and write ``todo``; False when the credentials were refused."""
        max_bytes = int(self.source.max_document_mb * 1_000_000)
        fetcher = Fetcher(self.connector, max_bytes, self.source.workers, self.sleep)
        batch: list[SourceDocument] = []
        for done, fetched in enumerate(fetcher.fetch_all(todo), start=1):
            if fetched.document is not None:
                batch.append(fetched.document)
            elif fetcher.auth_failure is None:
                self._note(fetched, report)
            if len(batch) >= BATCH_DOCUMENTS:
                self._write(indexer, batch, known, report)
                batch = []
            if self.progress is not None:
                self.progress(done, len(todo))
        if batch:
            self._write(indexer, batch, known, report)
        report.embedded, report.chunks = indexer.embedded, indexer.chunks
        if fetcher.auth_failure is not None:
            report.fail(str(fetcher.auth_failure))
            return False
        return True

    def _note(self, fetched: Fetched, report: SyncReport) -> None:
        if fetched.skipped:
            report.skipped.append((fetched.entry.key, fetched.problem))
        else:
            report.problem(f"{fetched.entry.url or fetched.entry.key}: {fetched.problem}")

    def _write(self, indexer: SourceIndexer, batch: list[SourceDocument],
               known: dict[str, DocumentState], report: SyncReport) -> None:
        """Index a batch, then record each document's state (only once its chunks are in)."""
        counts, skipped = indexer.write(batch)
        report.skipped += list(skipped.items())
        for doc in batch:
            if doc.entry.key not in counts:
                continue
            self.state.record(self.name, doc.entry, doc.url, doc.title,
                              doc.modified.isoformat(), doc.readers)
            (report.changed if doc.entry.key in known else report.added).append(doc.entry.key)

    def _delete(self, indexer: SourceIndexer, entries: list[Entry],
                known: dict[str, DocumentState], report: SyncReport) -> None:
        """Remove documents gone from a complete listing (held back when it shrank by half)."""
        listed = {e.key for e in entries}
        prefix = source_prefix(self.name)
        gone = sorted({k for k in known if k not in listed})
        stray = sorted(p[len(prefix):] for p in indexer.paths()
                       if p[len(prefix):] not in listed and p[len(prefix):] not in known)
        if gone and 2 * len(entries) < len(known) and not self.allow_mass_delete:
            report.problem(
                f"the listing shrank from {len(known)} to {len(entries)} documents, so the "
                f"{len(gone)} missing were not deleted. Fix: check the source's settings; if "
                f"they really are gone, run `bot sources sync {self.name} --allow-mass-delete`")
            gone = []
        for key in gone + stray:  # stray: written by a run killed before it recorded them
            indexer.delete(document_path(self.name, key))
            self.state.forget(self.name, [key])
            if key in known:
                report.removed.append(key)


def unique(entries: list[Entry]) -> list[Entry]:
    """The listing without repeated keys (the first of each wins)."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(entry.key, entry)
    return list(seen.values())
