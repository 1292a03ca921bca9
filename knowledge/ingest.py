"""Local ingestion: discover -> load -> chunk -> embed -> write, in batches of files.

Incremental by construction: a file whose chunks are all stored under its current hash is
not even parsed; in a changed file only passages that changed are embedded; ``prune``
removes chunks of files under the given paths that no longer exist (or are now skipped).
The embedding model is loaded only if something needs embedding.

Loading and chunking the next batch of files overlaps embedding the current one (a second
thread embeds; ONNX Runtime releases the GIL), and the lexical index is written beside
Chroma (see :mod:`knowledge.writer` for the order that keeps the two consistent).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.batches import ChunkBatch, EmbedBatch, LoadBatch
from knowledge.discover import FoundFile, discover, under_roots
from knowledge.embedder import embedder_name
from knowledge.progress import NoProgress, Progress
from knowledge.report import IngestReport
from knowledge.store import KnowledgeStore, SourceState
from knowledge.writer import delete_chunks, delete_stale, write_rows

if TYPE_CHECKING:
    from config import Settings
    from knowledge.embedder import Embedder
    from knowledge.lexical import LexicalIndex

FILES_PER_BATCH = 32
Rows = dict[str, list[Any]]


def current_hashes(manifest: dict[str, SourceState]) -> dict[str, str]:
    """Paths whose stored chunks are complete and agree on one file hash."""
    return {
        path: next(iter(s.file_hashes))
        for path, s in manifest.items()
        if len(s.file_hashes) == 1 and s.complete(next(iter(s.file_hashes)))
    }


class Ingestor:
    """One run over ``paths`` into one collection (the writer lock held throughout)."""

    def __init__(
        self,
        settings: Settings,
        store: KnowledgeStore,
        *,
        embedder: Embedder | None = None,
        progress: bool | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self._embedder = embedder
        self._embed: EmbedBatch | None = None
        self._chunk: ChunkBatch | None = None
        self.show_progress = progress
        self.manifest: dict[str, SourceState] = {}
        self.seen: set[str] = set()  # paths now indexed (ingested or unchanged)
        self.lexical: LexicalIndex | None = None

    def run(
        self, paths: Sequence[Path], prune: bool = False, retire: Sequence[str] = ()
    ) -> IngestReport:
        """Ingest ``paths``; ``prune`` drops files under them that are gone, and files under
        the ``retire`` roots too (docs that moved, e.g. a checkout that is now elsewhere)."""
        started = time.monotonic()
        report = IngestReport(collection=self.store.name, where=self.store.where)
        found = discover(list(paths))
        report.skipped += [(p, "no such file or directory") for p in found.missing]
        self.manifest = self.store.manifest()
        self.lexical = self._open_lexical()
        try:
            self._ingest(found.files, report)
            if prune:
                self._prune([*found.roots, *retire], report)
        finally:
            if self.lexical is not None:
                self.lexical.close()
        report.seconds = time.monotonic() - started
        return report

    def _open_lexical(self) -> LexicalIndex | None:
        """The lexical index, first caught up with what Chroma holds (None in dense mode)."""
        if self.settings.kb.retrieval == "dense":
            return None
        from knowledge.lexical_sync import open_index, sync

        index = open_index(self.settings, self.store.name)
        ids = set().union(*(s.ids for s in self.manifest.values()))
        sync(self.store, index, ids)
        return index

    def _ingest(self, files: list[FoundFile], report: IngestReport) -> None:
        """Load and chunk batch n+1 while batch n is embedded, then write batch n."""
        max_bytes = int(self.settings.kb.max_file_mb * 1_000_000)
        loader = LoadBatch(max_bytes, current_hashes(self.manifest))
        progress: Any = Progress(files, self.show_progress) if files else NoProgress()
        pending: tuple[Rows, Future[Rows] | None] | None = None
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="embed") as embedding:
                for start in range(0, len(files), FILES_PER_BATCH):
                    loaded = loader(_file_batch(files[start : start + FILES_PER_BATCH]))
                    rows = self._chunk_loaded(loaded)
                    job = embedding.submit(self._embed_rows, rows) if rows else None
                    if pending is not None:
                        self._write_batch(*pending, report, progress)
                    pending = (loaded, job)
                if pending is not None:
                    self._write_batch(*pending, report, progress)
        finally:
            progress.close()

    def _chunk_loaded(self, loaded: Rows) -> Rows | None:
        if not any(status == "ok" for status in loaded["status"]):
            return None
        return self._chunker()(loaded)

    def _embed_rows(self, rows: Rows) -> Rows:
        if any(rows["needs_embedding"]):
            return self._embed_batch()(rows)
        return {**rows, "embedding": [None] * len(rows["id"])}

    def _write_batch(
        self, loaded: Rows, job: Future[Rows] | None, report: IngestReport, progress: Any
    ) -> None:
        """Record statuses, then write the embedded rows and delete stale chunks."""
        ok_paths = self._record(loaded, report)
        chunks = embedded = 0
        if job is not None:
            rows = job.result()
            written = write_rows(self.store, rows, self.lexical)
            report.deleted += delete_stale(
                self.store, self.manifest, ok_paths, written, self.lexical
            )
            sources = dict(zip(loaded["path"], loaded["source"], strict=True))
            report.ingested += [(sources[p], len(written.get(p, ()))) for p in ok_paths]
            chunks, embedded = len(rows["id"]), sum(1 for e in rows["needs_embedding"] if e)
            report.embedded += embedded
            report.reused += chunks - embedded
        progress.advance(loaded["path"], chunks, embedded)

    def _record(self, loaded: Rows, report: IngestReport) -> list[str]:
        """Skipped and unchanged files go to the report; the paths to write are returned."""
        columns = (loaded[c] for c in ("path", "source", "status", "reason"))
        rows = zip(*columns, strict=True)
        ok_paths = []
        for path, source, status, reason in rows:
            if status == "skipped":
                report.skipped.append((source, reason))
                continue
            self.seen.add(path)
            if status == "unchanged":
                report.unchanged.append(source)
            else:
                ok_paths.append(path)
        return ok_paths

    def _chunker(self) -> ChunkBatch:
        if self._chunk is None:
            known = {path: state.ids for path, state in self.manifest.items()}
            self._chunk = ChunkBatch(self.settings, known, counter=self._embedder)
        return self._chunk

    def _embed_batch(self) -> EmbedBatch:
        if self._embed is None:
            self._embed = EmbedBatch(self.settings, self._embedder)
        return self._embed

    def _prune(self, roots: list[str], report: IngestReport) -> None:
        """Drop chunks of files under ``roots`` that this run did not find (or now skips)."""
        for path, state in self.manifest.items():
            if under_roots(path, roots) and path not in self.seen:
                delete_chunks(self.store, sorted(state.ids), self.lexical)
                report.pruned.append(state.source or path)
                report.deleted += len(state.ids)


def _file_batch(files: list[FoundFile]) -> dict[str, list[str]]:
    return {"path": [f.path for f in files], "source": [f.source for f in files]}


def ingest(
    settings: Settings,
    paths: Sequence[Path],
    *,
    collection: str | None = None,
    prune: bool = False,
    embedder: Embedder | None = None,
    progress: bool | None = None,
) -> IngestReport:
    """Ingest ``paths`` into ``collection`` (default ``kb.collection``), holding the writer lock."""
    name = embedder.name if embedder is not None else embedder_name(settings)
    store = KnowledgeStore.open(settings, name, collection=collection, write=True)
    try:
        return Ingestor(settings, store, embedder=embedder, progress=progress).run(paths, prune)
    finally:
        store.close()
