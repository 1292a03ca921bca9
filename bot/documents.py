"""The knowledge base's documents, one by one: what ``bot serve mcp`` offers as resources.

A document is one indexed file or page (its ``path`` in the collection); its text is its
chunks in order, the overlap between neighbours taken out once, so a reader gets what the
bot answers from. Listing pages through the collection's manifest; a ``version`` (a hash of
every document's content hash) changes whenever ``bot ingest`` (or a source sync) changes
something, which is how watchers notice. All calls block: run them in a thread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.access import Principals
from bot.spaces import Spaces
from contracts.access import Memberships, Principal, may_read

if TYPE_CHECKING:
    from config import Settings
    from knowledge.store import KnowledgeStore

MAX_OVERLAP_CHARS = 4000  # neighbours share at most a few sentences


@dataclass(frozen=True)
class DocumentInfo:
    path: str  # the document's identity in the collection
    source: str  # where it came from (a file path or a URL)
    title: str
    content_hash: str


@dataclass(frozen=True)
class DocumentPage:
    documents: list[DocumentInfo]
    next_offset: int | None


class DocumentShelf:
    """The documents of the collection a place's space searches (``[spaces]`` may pick one)."""

    def __init__(self, settings: Settings, memberships: Memberships | None = None) -> None:
        self.spaces = Spaces(settings)
        self.principals = Principals(settings.access, memberships)

    def _reader(self, place: str | None) -> Principal | None:
        """Who reads through ``place`` (``mcp:<caller>``: that caller); None with access off."""
        _, _, name = (place or "").partition(":")
        return self.principals.for_turn(place or "", name or None, place)

    def catalogue(self, place: str | None) -> list[DocumentInfo]:
        """Every document, sorted by path (empty when nothing is ingested)."""
        store = self._open(place)
        if store is None:
            return []
        titles: dict[str, DocumentInfo] = {}
        reader = self._reader(place)
        for meta in metadata_pages(store.collection):
                if not may_read(meta.get("readers"), reader):
                    continue  # a document the caller may not read is not listed at all
                path = str(meta.get("path", ""))
                titles.setdefault(path, DocumentInfo(
                    path, str(meta.get("source", "")), str(meta.get("title", "")),
                    str(meta.get("file_hash", ""))))
        return [titles[p] for p in sorted(titles)]

    def page(self, place: str | None, offset: int, limit: int) -> DocumentPage:
        every = self.catalogue(place)
        shown = every[offset:offset + limit]
        more = offset + limit < len(every)
        return DocumentPage(shown, offset + limit if more else None)

    def read(self, place: str | None, path: str) -> tuple[DocumentInfo, str] | None:
        """The document at ``path`` and its text; None when the collection has no such path."""
        store = self._open(place)
        if store is None:
            return None
        found = store.collection.get(where={"path": path}, include=["documents", "metadatas"])
        reader = self._reader(place)
        if not found["ids"] or not all(may_read(m.get("readers"), reader)
                                       for m in found["metadatas"]):
            return None  # unreadable looks exactly like absent
        chunks = sorted(zip(found["metadatas"], found["documents"], strict=True),
                        key=lambda pair: int(pair[0].get("chunk_index", 0)))
        meta = chunks[0][0]
        info = DocumentInfo(path, str(meta.get("source", "")), str(meta.get("title", "")),
                            str(meta.get("file_hash", "")))
        return info, joined([(str(m.get("heading", "")), str(text)) for m, text in chunks])

    def version(self, place: str | None) -> str:
        """Changes whenever a document is added, changed or removed."""
        seen = "\n".join(f"{d.path}\0{d.content_hash}" for d in self.catalogue(place))
        return hashlib.sha256(seen.encode()).hexdigest()

    def _open(self, place: str | None) -> KnowledgeStore | None:
        from knowledge.embedder import embedder_name
        from knowledge.errors import CollectionMissing
        from knowledge.store import KnowledgeStore

        settings = self.spaces.resolve(place).settings
        try:
            return KnowledgeStore.open(settings, embedder_name(settings), create=False)
        except CollectionMissing:
            return None


def metadata_pages(collection: Any, page: int = 5000) -> Any:
    """Every chunk's metadata, a page of the collection at a time."""
    offset = 0
    while True:
        got = collection.get(include=["metadatas"], limit=page, offset=offset)
        if not got["ids"]:
            return
        yield from got["metadatas"]
        offset += len(got["ids"])


def joined(chunks: list[tuple[str, str]]) -> str:
    """(heading, text) chunks in order as one text: each heading once where its section
    starts, each overlap between neighbours of a section kept once."""
    parts: list[str] = []
    heading = None
    for chunk_heading, chunk in chunks:
        if chunk_heading != heading:
            heading = chunk_heading
            parts += [f"{heading}\n\n" if heading else "", chunk]
            continue
        overlap = shared_prefix(parts[-1], chunk)
        parts[-1] += chunk[overlap:] if overlap else "\n\n" + chunk
    return "\n\n".join(p.strip() for p in parts if p.strip())


def shared_prefix(text: str, chunk: str, probe_chars: int = 24) -> int:
    """How many leading characters of ``chunk`` the end of ``text`` already holds."""
    probe = chunk[:probe_chars]
    at = text.find(probe, max(0, len(text) - MAX_OVERLAP_CHARS)) if probe else -1
    while at != -1:  # the first match that runs to the end of text is the longest overlap
        if chunk.startswith(text[at:]):
            return len(text) - at
        at = text.find(probe, at + 1)
    return 0


def as_dict(info: DocumentInfo) -> dict[str, Any]:
    return {"path": info.path, "source": info.source, "title": info.title}
