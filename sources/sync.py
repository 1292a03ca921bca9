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
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import structlog

from sources.changes import chained
from sources.fetcher import Fetched, Fetcher
from sources.indexer import SourceIndexer, document_path, source_prefix
from sources.kb import open_kb
from sources.lease import SourceLease
from sources.model import (
    Change,
    ChangeReader,
    Connector,
    Entry,
    Listing,
    SourceDocument,
    SourceError,
)
from sources.ray_choice import RayTarget, ray_refusal
from sources.report import SyncReport, record_run
from sources.state import DocumentState, SyncState

if TYPE_CHECKING:
    from config import Settings
    from config.sources import SourceSettings
    from knowledge.embedder import Embedder
    from knowledge.lexical import LexicalIndex
    from knowledge.store import KnowledgeStore

T = TypeVar("T")  # what a guarded connector call returns
log = structlog.get_logger("sources.sync")

BATCH_DOCUMENTS = 16  # documents embedded together (as ``bot ingest`` batches files)
Progress = Callable[[int, int], None]  # (documents done, documents to fetch)


class SourceSync:
    """Syncs ``[sources.NAME]`` into its collection, recording state in the bot's store."""

    def __init__(self, settings: Settings, name: str, source: SourceSettings,
                 connector: Connector, bot_store: Any, *, embedder: Embedder | None = None,
                 allow_mass_delete: bool = False, progress: Progress | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 ray: RayTarget | None = None, changes: list[Change] | None = None) -> None:
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
        self.ray = ray  # where a large sync embeds (None: always here)
        self.changes = changes or []  # what webhooks said changed (empty: list it all)

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
                 embedded=report.embedded, embedded_on=report.embedded_on,
                 seconds=round(report.seconds, 2))
        return report

    def _sync(self, report: SyncReport) -> None:
        change = self._change()
        listing = self._listing(report) if change is None else self._named(change, report)
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
            if change is not None:
                self._delete_named(indexer, change, entries, known, report)
            elif listing.complete:
                self._delete(indexer, entries, known, report)
            else:
                report.problem("the listing was incomplete, so nothing was deleted")
            if change is None or not report.errors:
                # A named document that failed is found again only by a listing: keeping
                # the old cursor makes the next push fall back to one.
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

    def _change(self) -> Change | None:
        """The webhooks' changes as one, when the connector can list just what they name and
        they start where the source stands; else None: a full listing decides."""
        if not self.changes:
            return None
        change = None
        if isinstance(self.connector, ChangeReader):
            change = chained(self.changes, self.state.cursor(self.name))
        if change is None:
            log.info("source_change_needs_listing", source=self.name, changes=len(self.changes))
        else:
            log.info("source_change_named", source=self.name, present=len(change.present),
                     removed=len(change.removed))
        return change

    def _named(self, change: Change, report: SyncReport) -> Listing | None:
        """The entries of the documents ``change`` names that are there now."""
        connector = self.connector
        assert isinstance(connector, ChangeReader)  # as _change checked
        entries = _guarded(report, "reading the changed documents",
                           lambda: connector.entries(change.present, change.after))
        return None if entries is None else Listing(entries, complete=False,
                                                    cursor=dict(change.after))

    def _listing(self, report: SyncReport) -> Listing | None:
        listing = _guarded(report, "listing",
                           lambda: self.connector.list_documents(self.state.cursor(self.name)))
        if listing is None:
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
        fetched = self._fetched(fetcher, todo, report)
        if self._on_ray(len(todo)):
            self._embed_on_ray(indexer, list(fetched), known, report)
        else:
            for batch in batched(fetched, BATCH_DOCUMENTS):
                self._write(indexer, batch, known, report)
        report.embedded, report.chunks = indexer.embedded, indexer.chunks
        if fetcher.auth_failure is not None:
            report.fail(str(fetcher.auth_failure))
            return False
        return True

    def _fetched(self, fetcher: Fetcher, todo: list[Entry],
                 report: SyncReport) -> Iterator[SourceDocument]:
        """The documents of ``todo`` as they arrive; the others noted in the report."""
        for done, fetched in enumerate(fetcher.fetch_all(todo), start=1):
            if fetched.document is not None:
                yield fetched.document
            elif fetcher.auth_failure is None:
                self._note(fetched, report)
            if self.progress is not None:
                self.progress(done, len(todo))

    def _on_ray(self, documents: int) -> bool:
        """True when this sync embeds on Ray; the choice is logged either way."""
        from knowledge.embedder import embedder_name

        same = self.embedder is None or self.embedder.name == embedder_name(self.settings)
        why = ray_refusal(self.ray, documents, self.source.ray_min_documents, same)
        if why is None:
            log.info("source_embedding_on_ray", source=self.name, documents=documents,
                     cluster=self.ray.where() if self.ray else None)
        elif self.ray is not None:
            log.info("source_embedding_here", source=self.name, reason=why)
        return why is None

    def _embed_on_ray(self, indexer: SourceIndexer, documents: list[SourceDocument],
                      known: dict[str, DocumentState], report: SyncReport) -> None:
        """Chunk and embed every fetched document on Ray in one dataset; write back here
        (here entirely when the cluster cannot be joined)."""
        from sources.ray_embed import embed_on_ray

        assert self.ray is not None
        if not documents:  # every fetch failed: nothing to embed anywhere
            return
        skipped = embed_on_ray(self.settings, self.ray, indexer, documents,
                               lambda doc, _chunks: self._recorded(doc, known, report))
        if skipped is None:
            for batch in batched(iter(documents), BATCH_DOCUMENTS):
                self._write(indexer, batch, known, report)
            return
        report.embedded_on = self.ray.where()
        report.skipped += list(skipped.items())

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
            if doc.entry.key in counts:
                self._recorded(doc, known, report)

    def _recorded(self, doc: SourceDocument, known: dict[str, DocumentState],
                  report: SyncReport) -> None:
        """Remember ``doc`` at its version: call only once its chunks are in both indexes."""
        self.state.record(self.name, doc.entry, doc.url, doc.title,
                          doc.modified.isoformat(), doc.readers)
        (report.changed if doc.entry.key in known else report.added).append(doc.entry.key)

    def _delete_named(self, indexer: SourceIndexer, change: Change, entries: list[Entry],
                      known: dict[str, DocumentState], report: SyncReport) -> None:
        """Remove what ``change`` removed, and what it named that is no longer there."""
        there = {e.key for e in entries}
        gone = change.removed | (change.present - there)
        present = indexer.paths()
        for key in sorted(gone):
            if key in known or document_path(self.name, key) in present:
                indexer.delete(document_path(self.name, key))
                self.state.forget(self.name, [key])
            if key in known:
                report.removed.append(key)

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


def batched(documents: Iterator[SourceDocument], size: int) -> Iterator[list[SourceDocument]]:
    """``documents`` in lists of ``size`` (the last one shorter)."""
    batch: list[SourceDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def unique(entries: list[Entry]) -> list[Entry]:
    """The listing without repeated keys (the first of each wins)."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(entry.key, entry)
    return list(seen.values())


def _guarded(report: SyncReport, what: str, call: Callable[[], T]) -> T | None:
    """``call()``, or None with the failure on ``report``: the service's own words for a
    :class:`SourceError`, the exception for a connector bug (nothing is deleted on either)."""
    try:
        return call()
    except SourceError as exc:
        report.fail(str(exc))
    except Exception as exc:
        report.fail(f"{what} failed: {type(exc).__name__}: {exc}")
    return None
