"""The HTML loader's text walk: what a reader sees, in order, on pages real sites produce."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.documents import Document
from knowledge.loaders import load_file


def load(html: str | bytes) -> Document:
    data = html.encode() if isinstance(html, str) else html
    return load_file(Path("page.html"), data)


def paragraphs(doc: Document) -> list[str]:
    return [p.strip() for s in doc.sections for p in re.split(r"\n\s*\n", s.text) if p.strip()]


def test_comments_and_hidden_subtrees_are_left_out_but_the_text_after_them_stays() -> None:
    doc = load("<body><p>Keys <!-- internal note --> rotate <span hidden>never</span>"
               "monthly<span aria-hidden='true'>★</span>.</p>"
               "<div style='display: none'><p>draft</p></div><p>Ask ops.</p></body>")
    assert paragraphs(doc) == ["Keys rotate monthly.", "Ask ops."]


def test_headings_nest_and_br_breaks_a_line() -> None:
    doc = load("<h1>Guide</h1><h2>Setup <small>(Linux)</small></h2><p>one<br>two</p>"
               "<h2>Use</h2><ul><li>run</li><li>stop</li></ul>")
    assert [(s.headings, s.text) for s in doc.sections] == [
        (["Guide", "Setup (Linux)"], "one\ntwo"),
        (["Guide", "Use"], "run\n\n\n\nstop"),
    ]


def test_a_page_nested_deeper_than_pythons_recursion_limit_is_read() -> None:
    doc = load("<body>" + "<span>" * 1500 + "deep text" + "</span>" * 1500 + "</body>")
    assert paragraphs(doc) == ["deep text"]


def test_the_declared_charset_is_honoured() -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Café</title></head>' \
           "<body><p>Crème brûlée</p></body></html>"
    doc = load(page.encode("latin-1"))
    assert doc.title == "Café"
    assert paragraphs(doc) == ["Crème brûlée"]


def test_a_page_of_only_a_comment_is_skipped_as_empty() -> None:
    import pytest

    from knowledge.documents import SkipFile

    with pytest.raises(SkipFile, match="no text"):
        load("<!-- nothing here -->")
