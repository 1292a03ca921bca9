"""PDF through pypdf: one section per page, headed "page N". Corrupt, encrypted or
image-only PDFs are skipped with the reason."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from knowledge.documents import Document, Section, SkipFile


def load(data: bytes, path: Path) -> Document:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on odd files are noise
    if not data.lstrip().startswith(b"%PDF"):
        raise SkipFile("not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF (needs a password)")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except SkipFile:
        raise
    except Exception as exc:
        raise SkipFile(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    sections = [Section([f"page {n}"], text.strip()) for n, text in enumerate(pages, 1)]
    sections = [s for s in sections if s.text]
    if not sections:
        raise SkipFile("PDF has no extractable text (scanned images?)")
    return Document(title=str(meta_title).strip() or path.stem, sections=sections, kind="pdf")
