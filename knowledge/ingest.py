"""Local ingestion: discover -> load -> chunk -> embed -> write, in batches of files.

Incremental by construction: a file whose chunks are all stored under its current hash is
not even parsed; in a changed file only passages that changed are embedded; ``prune``
removes chunks of files under the given paths that no longer exist (or are now skipped).
The embedding model is loaded only if something needs embedding.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.batches import ChunkBatch, EmbedBatch, LoadBatch
from knowledge.discover import FoundFile, discover, under_roots
from knowledge.embedder import embedder_name
from knowledge.progress import NoProgress, Progress
from knowledge.report import IngestReport
from knowledge.store import KnowledgeStore, SourceState
from knowledge.writer import delete_stale, write_rows

if TYPE_CHECKING:
    from config import Settings
    from knowledge.embedder import Embedder

FILES_PER_BATCH = 32


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

    def run(self, paths: Sequence[Path], prune: bool = False) -> IngestReport:
        started = time.monotonic()
        report = IngestReport(collection=self.store.name, where=self.store.where)
        found = discover(list(paths))
        report.skipped += [(p, "no such file or directory") for p in found.missing]
        self.manifest = self.store.manifest()
        max_bytes = int(self.settings.kb.max_file_mb * 1_000_000)
        loader = LoadBatch(max_bytes, current_hashes(self.manifest))
        progress: Any = (
            Progress(len(found.files), self.show_progress) if found.files else NoProgress()
        )
        try:
            for start in range(0, len(found.files), FILES_PER_BATCH):
                loaded = loader(_file_batch(found.files[start : start + FILES_PER_BATCH]))
                progress.advance(len(loaded["path"]), *self._process(loaded, report))
        finally:
            progress.close()
        if prune:
            self._prune(found.roots, report)
        report.seconds = time.monotonic() - started
        return report

    def _process(self, loaded: dict[str, list[Any]], report: IngestReport) -> tuple[int, int]:
        """Record statuses, then chunk, embed and write the loaded files: (chunks, embedded)."""
        rows_by_status = zip(
            loaded["path"], loaded["source"], loaded["status"], loaded["reason"], strict=True
        )
        ok_paths = []
        for path, source, status, reason in rows_by_status:
            if status == "skipped":
                report.skipped.append((source, reason))
                continue
            self.seen.add(path)
            if status == "unchanged":
                report.unchanged.append(source)
            else:
                ok_paths.append(path)
        if not ok_paths:
            return 0, 0
        rows = self._chunker()(loaded)
        todo = sum(1 for flag in rows["needs_embedding"] if flag)
        rows = (
            self._embed_batch()(rows) if todo else {**rows, "embedding": [None] * len(rows["id"])}
        )
        written = write_rows(self.store, rows)
        report.deleted += delete_stale(self.store, self.manifest, ok_paths, written)
        sources = dict(zip(loaded["path"], loaded["source"], strict=True))
        report.ingested += [(sources[p], len(written.get(p, ()))) for p in ok_paths]
        report.embedded += todo
        report.reused += len(rows["id"]) - todo
        return len(rows["id"]), todo

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
                self.store.delete(sorted(state.ids))
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
