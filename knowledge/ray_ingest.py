"""``bot ingest --ray``: load -> chunk -> embed as Ray Data ``map_batches``; the driver writes.

The stages are the very callables of the local path (:mod:`knowledge.batches`): loading runs
as Ray tasks, chunking and embedding in actors that load the tokenizer or model once. Chroma
is not process-safe, so only this driver process writes, through the local path's writer
(:func:`~knowledge.writer.write_rows`, :func:`~knowledge.writer.delete_stale`) and with its
manifest, report and ``--prune`` (:class:`~knowledge.ingest.Ingestor`): content-derived ids,
unchanged files never parsed, stored vectors re-used, a killed run safe to rerun.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.batches import Batch, ChunkBatch, EmbedBatch, LoadBatch
from knowledge.discover import FoundFile, discover
from knowledge.embedder import build_counter, embedder_name
from knowledge.ingest import FILES_PER_BATCH, Ingestor, current_hashes
from knowledge.progress import NoProgress, Progress
from knowledge.ray_cluster import ray_connected
from knowledge.ray_errors import unwrap_ray_error
from knowledge.report import IngestReport
from knowledge.store import KnowledgeStore
from knowledge.writer import delete_stale, write_rows

if TYPE_CHECKING:
    from config import Settings

FILES_PER_LOAD_TASK = 8  # small files load in milliseconds; more tasks only add overhead
CHUNKS_PER_EMBED_BATCH = 128  # large enough to sort by length, small enough to spread


class RayIngestor(Ingestor):
    """An :class:`Ingestor` whose load, chunk and embed steps run on Ray."""

    def __init__(self, settings: Settings, store: KnowledgeStore, cpus: int, **kw: Any) -> None:
        super().__init__(settings, store, **kw)
        self.cpus = cpus
        self.written: dict[str, set[str]] = defaultdict(set)
        self.progress: Any = NoProgress()

    def run(
        self, paths: Sequence[Path], prune: bool = False, retire: Sequence[str] = ()
    ) -> IngestReport:
        started = time.monotonic()
        report = IngestReport(collection=self.store.name, where=self.store.where)
        found = discover(list(paths))
        report.skipped += [(p, "no such file or directory") for p in found.missing]
        self.manifest = self.store.manifest()
        self.lexical = self._open_lexical()
        try:
            if found.files:
                self.progress = Progress(found.files, self.show_progress)
                try:
                    self._ingest(found.files, report)
                finally:
                    self.progress.close()
            if prune:
                self._prune([*found.roots, *retire], report)
        finally:
            if self.lexical is not None:
                self.lexical.close()
        report.seconds = time.monotonic() - started
        return report

    def _ingest(self, files: list[FoundFile], report: IngestReport) -> None:
        loaded = self._load(files)
        ok = self._record_statuses(loaded, report)
        if not ok:
            return
        for batch in self._chunked_and_embedded(loaded, ok):
            self._write(batch, report)
        self._finish(ok, report)

    def _load(self, files: list[FoundFile]) -> Any:
        """Every file read and parsed (unchanged ones only hashed), kept in Ray's object store."""
        import ray

        max_bytes = int(self.settings.kb.max_file_mb * 1_000_000)
        rows = [{"path": f.path, "source": f.source} for f in files]
        blocks = max(1, -(-len(rows) // FILES_PER_LOAD_TASK))
        return (
            ray.data.from_items(rows, override_num_blocks=blocks)
            .map_batches(LoadBatch(max_bytes, current_hashes(self.manifest)), batch_size=None)
            .materialize()
        )

    def _record_statuses(self, loaded: Any, report: IngestReport) -> dict[str, str]:
        """Skipped and unchanged files go to the report; the rest (path -> source) is returned."""
        ok: dict[str, str] = {}
        rows = loaded.select_columns(["path", "source", "status", "reason"]).take_all()
        for row in sorted(rows, key=lambda r: str(r["source"])):  # discovery order, as locally
            path, source, status = str(row["path"]), str(row["source"]), str(row["status"])
            if status == "skipped":
                report.skipped.append((source, str(row["reason"])))
                self.progress.advance([path])
                continue
            self.seen.add(path)
            if status == "unchanged":
                report.unchanged.append(source)
                self.progress.advance([path])
            else:
                ok[path] = source
        return ok

    def _chunked_and_embedded(self, loaded: Any, ok: dict[str, str]) -> Any:
        """Chunk rows with their vectors, streamed back to the driver batch by batch."""
        known = {path: self.manifest[path].ids for path in ok if path in self.manifest}
        return chunk_and_embed(loaded, self.settings, known, self.cpus)

    def _write(self, batch: Batch, report: IngestReport) -> None:
        """Write one batch; a file whose chunks are now all written loses its stale ones."""
        if not len(batch.get("id", ())):
            return
        todo = sum(1 for flag in batch["needs_embedding"] if flag)
        report.embedded += todo
        report.reused += len(batch["id"]) - todo
        for path, ids in write_rows(self.store, batch, self.lexical).items():
            self.written[path] |= ids
        done = completed(batch, self.written)
        report.deleted += delete_stale(
            self.store, self.manifest, done, self.written, self.lexical
        )
        self.progress.advance(sorted(done), len(batch["id"]), todo)

    def _finish(self, ok: dict[str, str], report: IngestReport) -> None:
        """Files that produced no chunk still lose their old ones; then the summary lines."""
        empty = [path for path in ok if path not in self.written]
        report.deleted += delete_stale(
            self.store, self.manifest, empty, self.written, self.lexical
        )
        self.progress.advance(empty)
        report.ingested += [(source, len(self.written.get(p, ()))) for p, source in ok.items()]


def chunk_and_embed(loaded: Any, settings: Settings, known: dict[str, set[str]],
                    cpus: int) -> Any:
    """Loaded rows (a Ray dataset of ``LOADED_COLUMNS``) -> chunk rows with their vectors,
    streamed back to the driver batch by batch. ``known`` maps a path to the chunk ids the
    collection holds: those keep their stored vectors."""
    import ray

    worker = worker_settings(settings)
    embedders, cpus_each = actor_plan(cpus)
    chunks = loaded.map_batches(
        ChunkBatch,
        fn_constructor_args=(worker, known),
        batch_size=FILES_PER_BATCH,
        compute=ray.data.ActorPoolStrategy(size=1),
        num_cpus=cpus_each,
    )
    embedded = chunks.map_batches(
        EmbedBatch,
        fn_constructor_args=(worker,),
        batch_size=CHUNKS_PER_EMBED_BATCH,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=embedders),
        num_cpus=cpus_each,
    )
    return embedded.iter_batches(batch_size=None, batch_format="numpy")


def completed(batch: Batch, written: dict[str, set[str]]) -> set[str]:
    """The paths of ``batch`` whose chunks are now all written (``written``: ids per path)."""
    counts = zip(batch["path"], batch["chunk_count"], strict=True)
    return {str(p) for p, n in counts if len(written.get(str(p), ())) == int(n)}


def actor_plan(cpus: int) -> tuple[int, float]:
    """(most embedding actors, CPUs per actor). One chunking actor runs beside them; on a
    small machine each actor asks for half a CPU so chunking does not idle a whole core."""
    if cpus <= 2:
        return cpus, 0.5
    return cpus - 1, 1.0


def worker_settings(settings: Settings) -> Settings:
    """Settings for the Ray workers: parallelism comes from processes, so one ONNX thread each
    unless ``kb.embed_threads`` says otherwise."""
    if settings.kb.embed_threads is not None:
        return settings
    return settings.model_copy(update={"kb": settings.kb.model_copy(update={"embed_threads": 1})})


def ingest_with_ray(
    settings: Settings,
    paths: Sequence[Path],
    *,
    collection: str | None = None,
    prune: bool = False,
    address: str | None = None,
    num_cpus: int | None = None,
    progress: bool | None = None,
) -> IngestReport:
    """Like :func:`knowledge.ingest.ingest`, on the Ray cluster at ``address`` (default: a
    local Ray with ``num_cpus`` CPUs, all by default). The writer lock is taken first, so a
    second writer fails before any Ray starts."""
    if address is None:
        build_counter(settings)  # a missing model fails here, clearly, not in a Ray actor
    name = embedder_name(settings)
    store = KnowledgeStore.open(settings, name, collection=collection, write=True)
    try:
        with ray_connected(address, num_cpus) as cpus, unwrap_ray_error():
            return RayIngestor(settings, store, cpus, progress=progress).run(paths, prune)
    finally:
        store.close()
