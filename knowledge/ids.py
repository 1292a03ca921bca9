"""Content-derived identifiers: the same text in the same file always gets the same id."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_ids(path: str, texts: Sequence[str]) -> list[str]:
    """One id per chunk of ``path``: a hash of the file's identity and the chunk's text.

    A text repeated within a file gets its occurrence number mixed in, so ids stay unique.
    Unchanged passages of an edited file keep their ids and are not embedded again.
    """
    seen: Counter[str] = Counter()
    ids = []
    for text in texts:
        seen[text] += 1
        key = f"{path}\x00{seen[text]}\x00{text}"
        ids.append(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])
    return ids
