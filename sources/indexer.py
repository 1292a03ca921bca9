"""Fetched documents -> the knowledge base: the same loaders, chunker, embedder and the two
indexes that ``bot ingest`` uses (see :mod:`knowledge.ingest`).

A synced document's identity in the collection (its chunks' ``path``) is
``source:<name>/<key>``; its chunks also carry ``source_name``, ``url``, ``modified`` and
``readers``. Chunk ids derive from that identity and the text, so an edited document keeps
the ids (and the vectors) of its unchanged passages: only changed passages are embedded.
Per document, chunks are written, then its stale chunks deleted, then its state recorded:
a run killed anywhere in between is finished by the next one.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from knowledge.batches import ChunkBatch, EmbedBatch
from knowledge.documents import SkipFile
from knowledge.ids import file_hash
from knowledge.loaders import load_file, loader_for
from knowledge.writer import delete_chunks, delete_stale, write_rows
from sources.model import SourceDocument

if TYPE_CHECKING:
    from config import Settings
    from knowledge.embedder import Embedder
    from knowledge.lexical import LexicalIndex
    from knowledge.store import KnowledgeStore, SourceState

BY_MEDIA_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/markdown": ".md",
    "text/x-rst": ".rst",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
}
NO_READERS = "nobody"  # Chroma refuses an empty list: a document no one was granted


def document_path(name: str, key: str) -> str:
    """The identity of a synced document's chunks in the collection."""
    return f"source:{name}/{key}"


def source_prefix(name: str) -> str:
    return f"source:{name}/"


def loader_path(document: SourceDocument) -> Path:
    """A file name whose extension picks the loader: the key's own for text (code, rst),
    else the one the media type implies."""
    media_type = document.media_type.split(";")[0].strip().lower()
    own = Path(PurePosixPath(document.entry.key).name or "document")
    if media_type.startswith("text/") and media_type != "text/html" and loader_for(own):
        return own
    return Path("document" + BY_MEDIA_TYPE.get(media_type, ".unsupported"))


def document_row(name: str, document: SourceDocument) -> dict[str, Any]:
    """What loading a fetched document needs, as plain values (a Ray Data row too)."""
    return {"path": document_path(name, document.entry.key),
            "source": document.url or document.entry.title or document.entry.key,
            "title": document.title, "loader": str(loader_path(document)),
            "body": document.body}


def load_document(path: str, source: str, title: str, loader: str,
                  body: bytes) -> dict[str, Any]:
    """A fetched document as a loaded row (``LOADED_COLUMNS``; raises SkipFile when no text
    can be read). ``loader`` is the file name whose extension picks the loader."""
    parsed = load_file(Path(loader), body)
    sections = json.dumps([[s.headings, s.text] for s in parsed.sections])
    return {"path": path, "source": source, "status": "ok", "reason": "",
            "file_hash": file_hash(body), "title": title or parsed.title,
            "kind": parsed.kind, "sections": sections}


def source_metadata(name: str, document: SourceDocument) -> dict[str, Any]:
    """What every chunk of a synced document carries besides the chunk's own columns
    (``SOURCE_COLUMNS``)."""
    return {"source_name": name, "url": document.url,
            "modified": document.modified.isoformat(),
            "readers": document.readers.as_list() or [NO_READERS]}


class SourceIndexer:
    """Writes one source's documents into an open collection (writer lock held)."""

    def __init__(self, settings: Settings, name: str, store: KnowledgeStore,
                 lexical: LexicalIndex | None, embedder: Embedder | None = None) -> None:
        self.name = name
        self.store = store
        self.lexical = lexical
        self.manifest: dict[str, SourceState] = store.manifest()
        self.known = {path: state.ids for path, state in self.manifest.items()}
        self.chunker = ChunkBatch(settings, counter=embedder)
        self.chunker.known_ids = self.known  # the same dict: documents written are known
        self._settings = settings
        self._embedder = embedder
        self._embed: EmbedBatch | None = None
        self.embedded = 0
        self.chunks = 0

    def loaded_row(self, document: SourceDocument) -> dict[str, Any]:
        """The document as a loaded row (raises SkipFile when no text can be read)."""
        return load_document(**document_row(self.name, document))

    def write(self, documents: list[SourceDocument]) -> tuple[dict[str, int], dict[str, str]]:
        """Index documents in one embedding batch: chunk counts by key, and the keys skipped
        with the reason (no text). Stale chunks of each go after its new ones are in."""
        rows: dict[str, list[Any]] = {}
        skipped: dict[str, str] = {}
        kept = []
        for document in documents:
            try:
                part = self._rows(document)
            except SkipFile as exc:
                skipped[document.entry.key] = str(exc)
                continue
            kept.append(document)
            for column, values in part.items():
                rows.setdefault(column, []).extend(values)
        if not rows.get("id"):
            return {}, skipped
        flags = rows["needs_embedding"]
        embedded = self._embed_batch()(rows) if any(flags) else {
            **rows, "embedding": [None] * len(flags)}
        written = write_rows(self.store, embedded, self.lexical)
        counts = {}
        for document in kept:
            path = document_path(self.name, document.entry.key)
            delete_stale(self.store, self.manifest, [path], written, self.lexical)
            self.remember(path, written.get(path, set()), file_hash(document.body))
            counts[document.entry.key] = len(written.get(path, ()))
        self.embedded += sum(1 for flag in flags if flag)
        self.chunks += len(flags)
        return counts, skipped

    def _rows(self, document: SourceDocument) -> dict[str, list[Any]]:
        loaded = self.loaded_row(document)
        rows = self.chunker({k: [v] for k, v in loaded.items()})
        count = len(rows["id"])
        rows.update({k: [v] * count for k, v in source_metadata(self.name, document).items()})
        return rows

    def remember(self, path: str, ids: set[str], digest: str) -> None:
        from knowledge.store import SourceState

        self.manifest[path] = SourceState(path, {digest}, {len(ids)}, set(ids))
        self.known[path] = set(ids)

    def _embed_batch(self) -> EmbedBatch:
        if self._embed is None:
            self._embed = EmbedBatch(self._settings, self._embedder)
        return self._embed

    def delete(self, path: str) -> int:
        """Remove a document's chunks from both indexes; how many there were."""
        state = self.manifest.pop(path, None)
        if state is None:
            return 0
        delete_chunks(self.store, sorted(state.ids), self.lexical)
        return len(state.ids)

    def paths(self) -> set[str]:
        """Every document of this source that the collection holds chunks of."""
        prefix = source_prefix(self.name)
        return {p for p in self.manifest if p.startswith(prefix)}
