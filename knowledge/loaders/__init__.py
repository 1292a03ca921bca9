"""Loaders: a file's bytes -> :class:`~knowledge.documents.Document`, chosen by extension.

:func:`load_file` never raises for a bad file: binary, undecodable, empty, huge, corrupt or
unsupported files raise :class:`SkipFile` with the reason, which ingestion reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.documents import Document, SkipFile
from knowledge.loaders import asciidoc, code, html, markdown, pdf, rst, text

Loader = Callable[[bytes, Path], Document]

LOADERS: dict[str, Loader] = {
    **dict.fromkeys((".md", ".markdown", ".mdx"), markdown.load),
    **dict.fromkeys((".rst", ".rest"), rst.load),
    **dict.fromkeys((".adoc", ".asciidoc"), asciidoc.load),
    **dict.fromkeys((".html", ".htm", ".xhtml"), html.load),
    ".pdf": pdf.load,
    **dict.fromkeys((".txt", ".text"), text.load),
    **dict.fromkeys(code.EXTENSIONS, code.load),
}
BY_NAME: dict[str, Loader] = {name: code.load for name in code.FILE_NAMES}


def loader_for(path: Path) -> Loader | None:
    """The loader for ``path`` by extension (or well-known name such as ``Makefile``)."""
    return LOADERS.get(path.suffix.lower()) or BY_NAME.get(path.name)


def load_file(path: Path, data: bytes) -> Document:
    """Parse ``data`` (the bytes of ``path``). Raises SkipFile with a reason instead of failing."""
    loader = loader_for(path)
    if loader is None:
        raise SkipFile(f"unsupported file type ({path.suffix or 'no extension'})")
    if not data.strip():
        raise SkipFile("empty file")
    try:
        document = loader(data, path)
    except SkipFile:
        raise
    except Exception as exc:  # a parser bug on one odd file must not stop the run
        raise SkipFile(f"could not parse: {type(exc).__name__}: {exc}") from exc
    if not document.has_text():
        raise SkipFile("no text found")
    return document
