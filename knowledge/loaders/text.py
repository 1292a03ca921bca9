"""Plain text: decoding rules shared by every text loader, and paragraphs under no heading."""

from __future__ import annotations

import codecs
from pathlib import Path

from knowledge.documents import Document, Section, SkipFile

BINARY_SNIFF_BYTES = 8192


def decode(data: bytes) -> str:
    """UTF-8 (or UTF-16 with a byte-order mark). Anything else is skipped, never guessed."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (invalid byte at offset {exc.start})") from exc


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load(data: bytes, path: Path) -> Document:
    body = normalise_newlines(decode(data))
    return Document(title=path.stem, sections=[Section([], body)], kind="text")
