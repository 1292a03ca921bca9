"""A web page's main text and links (libxml2): chrome dropped, the text after it kept, the
charset declared for the loader, links absolute and without fragments."""

from __future__ import annotations

from pathlib import Path

from knowledge.loaders import load_file
from sources import web_text

PAGE = (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        b"<title>Caf\xe9\xa0guide</title></head><body>"
        b'<div class="navheader top">Prev | Next</div><nav><a href="index.html">Home</a></nav>'
        b"<h1>Quoting</h1><p>Caf\xe9 au lait <a href='sub/b.html#part'>b</a>"
        b"<a href='https://elsewhere.example/x'>x</a><a href='mailto:a@b.c'>m</a></p>"
        b"<aside>Related pages</aside>after the aside"
        b'<div role="contentinfo">(c) 2026</div></body></html>')


def text_of(html: bytes) -> str:
    return "\n".join(s.text for s in load_file(Path("page.html"), html).sections)


def test_chrome_is_dropped_and_the_rest_kept_in_utf8() -> None:
    root = web_text.parse(PAGE)
    assert web_text.title_of(root) == "Caf\u00e9\u00a0guide"
    assert web_text.links(root, "https://docs.example/a/page.html") == [
        "https://docs.example/a/index.html", "https://docs.example/a/sub/b.html",
        "https://elsewhere.example/x"]
    text = text_of(web_text.main_html(root))
    assert "Café au lait" in text and "after the aside" in text
    for chrome in ("Prev | Next", "Home", "Related pages", "(c) 2026"):
        assert chrome not in text


def test_a_marked_main_is_all_that_is_kept() -> None:
    html = (b"<html><head><base href='https://docs.example/v2/'><title>T</title></head><body>"
            b"<p>Banner words</p><main><h1>Real</h1><p>Content <a href='c.html'>c</a></p>"
            b"</main><p>Trailing words</p></body></html>")
    root = web_text.parse(html)
    assert web_text.links(root, "https://docs.example/v1/p.html") == [
        "https://docs.example/v2/c.html"]
    text = text_of(web_text.main_html(root))
    assert "Content" in text
    assert "Banner words" not in text and "Trailing words" not in text


def test_an_empty_page_has_no_text_links_or_title() -> None:
    root = web_text.parse(b"  ")
    assert (web_text.links(root, "https://x/"), web_text.title_of(root),
            web_text.main_html(root)) == ([], "", b"")
