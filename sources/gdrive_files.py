"""Which Drive files become documents, and how one file's metadata becomes an Entry."""

from __future__ import annotations

from typing import Any

from sources.model import Entry, Malformed
from sources.times import parse_time

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_DOC = "application/vnd.google-apps.document"
EXPORTS = {"markdown": "text/markdown", "html": "text/html"}
DOWNLOADS = {"application/pdf": "application/pdf", "text/markdown": "text/markdown",
             "text/x-markdown": "text/markdown", "text/plain": "text/plain"}
SUFFIXES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain",
            ".pdf": "application/pdf"}
FIELDS = "id, name, mimeType, modifiedTime, version, webViewLink, size, trashed"


def media_type(file: dict[str, Any], export: str) -> str | None:
    """The media type this file is ingested as, or None when it is not a document we read."""
    mime = str(file.get("mimeType", ""))
    if mime == GOOGLE_DOC:
        return EXPORTS[export]
    if mime in DOWNLOADS:
        return DOWNLOADS[mime]
    name = str(file.get("name", "")).lower()
    return next((kind for suffix, kind in SUFFIXES.items() if name.endswith(suffix)), None)


def entry_of(file: dict[str, Any]) -> Entry:
    """The listing entry of one file resource; Malformed when a field we rely on is missing."""
    try:
        key, modified_text = str(file["id"]), str(file["modifiedTime"])
        modified = parse_time(modified_text)
    except (KeyError, TypeError, ValueError) as exc:
        raise Malformed(f"a Drive file without a readable id or modifiedTime ({exc})") from None
    size = file.get("size")
    return Entry(key=key, version=f"{modified_text}#{file.get('version', '')}",
                 url=str(file.get("webViewLink") or f"https://drive.google.com/open?id={key}"),
                 title=str(file.get("name") or key), modified=modified,
                 size=int(size) if size is not None else None)
