"""``kind = "folder"``: what ``bot ingest`` does, as a source that syncs itself.

Each file under ``paths`` is a document keyed by its absolute path; its version is its size
and modification time, so an unchanged file is not even read. A path that does not exist
(an unmounted share) makes the listing incomplete: nothing is deleted because of it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from knowledge.discover import discover
from knowledge.loaders import loader_for
from sources.model import (
    PUBLIC,
    Entry,
    Listing,
    Permissions,
    Readers,
    SourceDocument,
    Unavailable,
)


class FolderOptions(BaseModel):
    """``[sources.NAME]`` options of a folder source."""

    model_config = ConfigDict(extra="forbid")

    paths: list[Path] = Field(min_length=1, description="folders or files to keep in sync")
    readers: list[str] = Field(
        default_factory=lambda: [PUBLIC],
        description='who may read these documents: "public", "group:<name>", "user:<id>"')


class FolderConnector:
    """Files on disk (or a mounted share)."""

    kind: ClassVar[str] = "folder"
    Options: ClassVar[type[BaseModel]] = FolderOptions

    def __init__(self, name: str, options: FolderOptions) -> None:
        self.name = name
        self.options = options
        principals = tuple(r for r in options.readers if r != PUBLIC)
        self.readers = Readers(PUBLIC in options.readers, principals, f"sources.{name}.readers")

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        found = discover(list(self.options.paths))
        listing = Listing(complete=not found.missing)
        listing.problems += [f"{p}: no such file or directory (nothing deleted)"
                             for p in found.missing]
        for file in found.files:
            path = Path(file.path)
            if loader_for(path) is None:
                continue  # an unsupported type is not a document of this source
            try:
                stat = path.stat()
            except OSError:
                listing.complete = False
                continue
            modified = datetime.fromtimestamp(stat.st_mtime, UTC)
            listing.entries.append(Entry(file.path, f"{stat.st_size}-{stat.st_mtime_ns}",
                                         title=file.source, modified=modified,
                                         size=stat.st_size))
        return listing

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Every document's readers are ``readers`` from bot.toml (read again at start)."""
        return Permissions(readers=dict.fromkeys(keys, self.readers))

    def fetch(self, entry: Entry) -> SourceDocument:
        path = Path(entry.key)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise Unavailable(f"cannot read {entry.title}: {exc.strerror or exc}") from exc
        media_type = "application/pdf" if path.suffix.lower() == ".pdf" else (
            "text/html" if path.suffix.lower() in (".html", ".htm", ".xhtml") else "text/plain")
        return SourceDocument(entry, title="", url="", modified=entry.modified or datetime.now(UTC),
                              readers=self.readers, body=body, media_type=media_type)
