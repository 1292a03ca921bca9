"""Loaders: structure and visible text out of each format; bad files skipped with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.documents import Document, SkipFile
from knowledge.loaders import load_file
from tests.kb.corpus import (
    DEPLOY_MD,
    KITCHEN_HTML,
    ONCALL_RST,
    SECURITY_PDF_LINES,
    VACATION_MD,
    pdf_bytes,
)


def load(name: str, data: str | bytes) -> Document:
    return load_file(Path(name), data.encode() if isinstance(data, str) else data)


def headed(doc: Document) -> dict[str, str]:
    return {" › ".join(s.headings): s.text for s in doc.sections}


def test_markdown_sections_follow_headings_and_skip_fenced_comments() -> None:
    doc = load("deploy.md", DEPLOY_MD)
    assert doc.title == "Release handbook"  # from the front matter
    sections = headed(doc)
    assert set(sections) == {
        "Release handbook › Deploying to production",
        "Release handbook › Rolling back",
    }
    assert "# not a heading" in sections["Release handbook › Deploying to production"]
    assert "title:" not in " ".join(sections.values())


def test_setext_markdown_headings() -> None:
    doc = load("vacation.md", VACATION_MD)
    assert doc.title == "Holiday policy"
    assert "Holiday policy › Requesting leave" in headed(doc)
    assert "=====" not in " ".join(headed(doc).values())


def test_rst_titles_with_overlines_and_underlines() -> None:
    doc = load("oncall.rst", ONCALL_RST)
    assert doc.title == "On-call rota"
    assert set(headed(doc)) == {"On-call rota › Pager duty", "On-call rota › Handover"}


def test_html_keeps_only_visible_text_under_its_headings() -> None:
    doc = load("kitchen.html", KITCHEN_HTML)
    text = " ".join(s.text for s in doc.sections)
    assert doc.title == "Office kitchen"
    assert "Oat milk and soy milk are kept in the left fridge, cow's milk in the right one." in text
    for invisible in ("secret", "color: red", "1234", "Also hidden"):
        assert invisible not in text
    assert "Office kitchen › Milk" in headed(doc)


def test_pdf_text_by_page() -> None:
    doc = load("security.pdf", pdf_bytes(SECURITY_PDF_LINES))
    assert doc.sections[0].headings == ["page 1"]
    assert "full-disk encryption" in doc.sections[0].text


def test_python_source_is_sectioned_by_definitions() -> None:
    code = "import os\n\n\ndef connect(token):\n    return token\n\n\nclass Bot:\n    pass\n"
    assert set(headed(load("app.py", code))) == {"", "def connect", "class Bot"}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bad.pdf", b"%PDF-1.7\n1 0 obj << >>\ntrunc", "corrupt PDF"),
        ("fake.pdf", b"hello", "not a PDF"),
        ("blob.txt", b"abc\x00\x01\x02", "binary"),
        ("old.md", "Caf\xe9".encode("latin-1"), "not UTF-8"),
        ("empty.rst", b" \n\t\n", "empty"),
        ("photo.jpg", b"\xff\xd8\xff", "unsupported file type (.jpg)"),
        ("LICENSE", b"MIT", "unsupported file type (no extension)"),
        ("blank.html", b"<html><script>x()</script></html>", "no text"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(SkipFile, match=re.escape(reason)):
        load(name, data)


def test_utf16_with_bom_is_read() -> None:
    assert "café" in load("notes.txt", "\ufeffcafé au lait".encode("utf-16")).sections[0].text
