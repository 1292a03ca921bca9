"""A large sync's documents chunked and embedded on Ray Data, written back by this process.

The fetched documents become one Ray dataset; loading runs as Ray tasks, chunking and
embedding as the very ``map_batches`` stages of ``bot ingest --ray``
(:func:`knowledge.ray_ingest.chunk_and_embed`). Chroma is not process-safe, so the driver
writes each embedded batch through the writer the local path uses, and a document counts as
done (its stale chunks deleted, ``done`` called so its state is recorded) only once every one
of its chunks is in both indexes: a sync killed midway resumes as the local path's does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import structlog

from knowledge.batches import LOADED_COLUMNS, Batch
from knowledge.documents import SkipFile
from knowledge.ids import file_hash
from knowledge.ray_cluster import RayUnavailable, ray_connected
from knowledge.ray_errors import unwrap_ray_error
from knowledge.ray_ingest import FILES_PER_LOAD_TASK, chunk_and_embed, completed
from knowledge.writer import delete_stale, write_rows
from sources.indexer import (
    SourceIndexer,
    document_path,
    document_row,
    load_document,
    source_metadata,
)
from sources.model import SourceDocument

if TYPE_CHECKING:
    from config import Settings
    from sources.ray_choice import RayTarget

log = structlog.get_logger("sources.ray")

Done = Callable[[SourceDocument, int], None]  # a document fully written, with its chunks


def embed_on_ray(
    settings: Settings,
    target: RayTarget,
    indexer: SourceIndexer,
    documents: list[SourceDocument],
    done: Done,
) -> dict[str, str] | None:
    """Index ``documents`` with their chunking and embedding on ``target``: the keys skipped
    (no text), or None when the cluster cannot be joined (then nothing was written)."""
    joined = False
    try:
        with ray_connected(target.address) as cpus, unwrap_ray_error():
            joined = True
            return RayEmbedding(settings, indexer, cpus).write(documents, done)
    except RayUnavailable as exc:
        if joined:  # lost midway: fail the run (the next one resumes), never write twice
            raise
        log.warning("source_ray_unavailable", source=indexer.name, error=str(exc)[:300])
        return None


class LoadDocuments:
    """Ray task body: fetched documents -> loaded rows (``status`` skipped with the reason
    when no text can be read), as :meth:`SourceIndexer.loaded_row` loads them."""

    def __call__(self, batch: Batch) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {c: [] for c in LOADED_COLUMNS}
        for i in range(len(batch["path"])):
            row = {k: batch[k][i] for k in ("path", "source", "title", "loader")}
            try:
                loaded = load_document(
                    **{k: str(v) for k, v in row.items()}, body=bytes(batch["body"][i])
                )
            except SkipFile as exc:
                loaded = {"path": row["path"], "status": "skipped", "reason": str(exc)}
            for column in LOADED_COLUMNS:
                out[column].append(loaded.get(column, ""))
        return out


class RayEmbedding:
    """Indexes fetched documents of one source through ``indexer``'s open collection, with
    the chunking and embedding on the Ray cluster this process is connected to."""

    def __init__(self, settings: Settings, indexer: SourceIndexer, cpus: int) -> None:
        self.settings = settings
        self.indexer = indexer
        self.cpus = cpus
        self.written: dict[str, set[str]] = defaultdict(set)
        self.metadata: dict[str, dict[str, Any]] = {}  # path -> its chunks' source columns

    def write(self, documents: list[SourceDocument], done: Done) -> dict[str, str]:
        """Index ``documents``, calling ``done`` for each once it is written; the keys
        skipped (no text), with the reason."""
        by_path = {document_path(self.indexer.name, d.entry.key): d for d in documents}
        loaded = self._load(documents)
        skipped = self._skipped(loaded, by_path)
        ok = {p: d for p, d in by_path.items() if d.entry.key not in skipped}
        known = {p: self.indexer.known[p] for p in ok if p in self.indexer.known}
        self.metadata = {p: source_metadata(self.indexer.name, d) for p, d in ok.items()}
        for batch in chunk_and_embed(loaded, self.settings, known, self.cpus):
            self._write(batch, ok, done)
        for path in [p for p in ok if p not in self.written]:  # no chunks: still done
            self._finish(path, ok[path], done)
        return skipped

    def _load(self, documents: list[SourceDocument]) -> Any:
        import ray

        rows = [document_row(self.indexer.name, d) for d in documents]
        blocks = max(1, -(-len(rows) // FILES_PER_LOAD_TASK))
        return (
            ray.data.from_items(rows, override_num_blocks=blocks)
            .map_batches(LoadDocuments(), batch_size=None)
            .materialize()
        )

    def _skipped(self, loaded: Any, by_path: Mapping[str, SourceDocument]) -> dict[str, str]:
        rows = loaded.select_columns(["path", "status", "reason"]).take_all()
        return {
            by_path[str(r["path"])].entry.key: str(r["reason"])
            for r in rows
            if r["status"] == "skipped"
        }

    def _write(self, batch: Batch, ok: Mapping[str, SourceDocument], done: Done) -> None:
        """One embedded batch into both indexes; documents now complete are finished."""
        count = len(batch.get("id", ()))
        if not count:
            return
        rows = {k: list(v) for k, v in batch.items()}
        rows.update(self._metadata(rows["path"]))
        for path, ids in write_rows(self.indexer.store, rows, self.indexer.lexical).items():
            self.written[path] |= ids
        self.indexer.embedded += sum(1 for flag in rows["needs_embedding"] if flag)
        self.indexer.chunks += count
        for path in sorted(completed(rows, self.written)):
            self._finish(path, ok[path], done)

    def _metadata(self, paths: list[Any]) -> dict[str, list[Any]]:
        """The source columns of each chunk row, from its document (as the local path
        adds them)."""
        columns: dict[str, list[Any]] = defaultdict(list)
        for path in paths:
            for column, value in self.metadata[str(path)].items():
                columns[column].append(value)
        return columns

    def _finish(self, path: str, document: SourceDocument, done: Done) -> None:
        """Stale chunks go only after all new ones are in; then the document is done."""
        delete_stale(
            self.indexer.store, self.indexer.manifest, [path], self.written, self.indexer.lexical
        )
        self.indexer.remember(path, self.written.get(path, set()), file_hash(document.body))
        done(document, len(self.written.get(path, ())))
