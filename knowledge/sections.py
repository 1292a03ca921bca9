"""Whole sections for the passages a search found: what an answer quotes instead of a chunk.

A chunk is cut for the embedder (under its token limit, overlapping its neighbour, a long
paragraph split at sentences); a reader wants the section as the source wrote it. The
section comes from the file itself when it is on this machine unchanged since ingestion
(the loader gives the exact section), otherwise from the section's chunks in the index,
put back together in order without the overlap the chunker added.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog

from knowledge.documents import SkipFile
from knowledge.ids import file_hash
from knowledge.loaders import load_file

if TYPE_CHECKING:
    from knowledge.store import KnowledgeStore

log = structlog.get_logger("knowledge.sections")
HEADING_JOIN = " › "
CACHED_FILES = 64


class SectionTexts:
    """Heading path -> whole section text, per file; the last ``CACHED_FILES`` files kept."""

    def __init__(self) -> None:
        self._files: OrderedDict[tuple[str, str], dict[str, str]] = OrderedDict()

    def of(self, store: KnowledgeStore, path: str, heading: str) -> str:
        """The whole section ``heading`` of the file ``path`` ("" when the index lacks it)."""
        rows = _chunks_of(store, path)
        digest = str(rows[0][1].get("file_hash", "")) if rows else ""
        key = (path, digest)
        if key not in self._files:
            self._files[key] = _from_file(path, digest) or _from_chunks(rows)
            while len(self._files) > CACHED_FILES:
                self._files.popitem(last=False)
        self._files.move_to_end(key)
        return self._files[key].get(heading, "")


def _chunks_of(store: KnowledgeStore, path: str) -> list[tuple[str, dict[str, Any]]]:
    """The file's chunks (text, metadata) in reading order."""
    got = store.collection.get(where={"path": path}, include=["documents", "metadatas"])
    rows = [(t or "", dict(m or {})) for t, m in zip(got["documents"], got["metadatas"],
                                                       strict=True)]
    return sorted(rows, key=lambda row: int(row[1].get("chunk_index", 0)))


def _from_file(path: str, digest: str) -> dict[str, str]:
    """The sections as the loader reads the file, if it is here and unchanged."""
    file = Path(path)
    try:
        data = file.read_bytes() if digest and file.is_file() else b""
        if not data or file_hash(data) != digest:
            return {}
        document = load_file(file, data)
    except (OSError, SkipFile) as exc:  # moved or unreadable: the chunks will do
        log.debug("section_file_unread", path=path, error=str(exc)[:200])
        return {}
    sections: dict[str, str] = {}
    for section in document.sections:
        key = HEADING_JOIN.join(section.headings)
        sections[key] = f"{sections[key]}\n\n{section.text}" if key in sections else section.text
    return sections


def _from_chunks(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """Each heading's chunks joined in order, the overlap each one repeats left out."""
    sections: dict[str, str] = {}
    for text, meta in rows:
        heading = str(meta.get("heading", ""))
        before = sections.get(heading)
        sections[heading] = text.strip() if before is None else stitch(before, text)
    return sections


def stitch(before: str, chunk: str) -> str:
    """``chunk`` after ``before``, without its leading paragraphs that only repeat the end
    of ``before`` (the chunker's overlap, which may span several paragraphs)."""
    paragraphs = chunk.strip().split("\n\n")
    tail = " ".join(before.split())
    repeated = 0
    for count in range(1, len(paragraphs)):
        if tail.endswith(" ".join(" ".join(paragraphs[:count]).split())):
            repeated = count
    return "\n\n".join([before, *paragraphs[repeated:]])
