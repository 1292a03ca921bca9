"""A real crawl: the GNU m4 manual (Debian's m4-doc, not written for this test) served by
http.server on loopback, synced by the web source; edits, additions and deletions between
syncs show up exactly in the search results and in both indexes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knowledge.search import Searcher
from tests.kb.helpers import CountingEmbedder, shared_minilm
from tests.sources.helpers import indexed, settings_with, sync
from tests.sources.site import Faults, copy_manual, serve

PAGES = ("[AB]*.html", "Ch*.html")  # index.html and 8 pages: a small real site


def web(base: str, **options: Any) -> dict[str, Any]:
    return {"kind": "web", "start_urls": [f"{base}/index.html"], "rate_per_s": 50, **options}


def urls(chroma: dict[str, dict[str, Any]]) -> set[str]:
    return {str(m["url"]).rsplit("/", 1)[-1] for m in chroma.values()}


def search(settings: Any, query: str) -> list[Any]:
    return Searcher(settings, embedder=shared_minilm()).search(query)


def test_a_crawl_indexes_the_site_and_then_only_what_changed(tmp_path: Path) -> None:
    site = copy_manual(tmp_path / "site", *PAGES)
    with serve(site) as (base, faults):
        settings = settings_with(tmp_path / "data", m4=web(base))
        first = sync(settings, "m4")
        served = {p.name for p in site.glob("*.html")}
        assert first.outcome == "ok" and {k.rsplit("/", 1)[-1] for k in first.added} == served
        [hit, *_] = search(settings, "a macro that exchanges its two arguments")
        assert hit.url == f"{base}/Arguments.html" and hit.modified.startswith("20")
        chroma, lexical = indexed(settings)
        assert set(chroma) == lexical and urls(chroma) == served
        texts = [m for m in chroma.values() if str(m["url"]).endswith("Arguments.html")]
        assert texts and all(m["readers"] == ["public"] for m in texts)
        assert not any("Previous:" in h.text for h in search(settings, "Next Previous Up"))

        again = CountingEmbedder(shared_minilm())
        second = sync(settings, "m4", embedder=again)
        assert (second.unchanged, again.embedded) == (len(served), [])

        page = site / "Arguments.html"
        page.write_text(page.read_text("utf-8").replace(
            "<p>Macros can have arguments.",
            "<p>The zorblax builtin reverses every quoted word.</p>\n<p>Macros can have "
            "arguments.", 1), "utf-8")
        (site / "Handbook.html").write_text(
            "<html><head><title>Team handbook</title></head><body><h1>On-call</h1>"
            "<p>The on-call engineer carries the walrus pager all week.</p></body></html>",
            "utf-8")
        index = site / "index.html"
        index.write_text(index.read_text("utf-8").replace(
            "</body>", '<a href="Handbook.html">Handbook</a></body>'), "utf-8")
        (site / "Bugs.html").unlink()
        edited = CountingEmbedder(shared_minilm())
        third = sync(settings, "m4", embedder=edited)
        assert {k.rsplit("/", 1)[-1] for k in third.changed} == {"Arguments.html", "index.html"}
        assert [k.rsplit("/", 1)[-1] for k in third.added] == ["Handbook.html"]
        assert [k.rsplit("/", 1)[-1] for k in third.removed] == ["Bugs.html"]
        assert 0 < len(edited.embedded) < first.chunks // 4  # only the changed passages
        assert search(settings, "zorblax reverses quoted words")[0].url.endswith("Arguments.html")
        assert search(settings, "who carries the walrus pager")[0].url.endswith("Handbook.html")
        chroma, lexical = indexed(settings)
        assert set(chroma) == lexical and urls(chroma) == served - {"Bugs.html"} | {
            "Handbook.html"}
        assert max(faults.seen.values()) == 3  # one request per page per sync, no more


def test_a_failing_page_makes_the_listing_partial_and_nothing_is_deleted(tmp_path: Path) -> None:
    site = copy_manual(tmp_path / "site", *PAGES)
    with serve(site) as (base, faults):
        settings = settings_with(tmp_path / "data", m4=web(base))
        assert sync(settings, "m4").outcome == "ok"
        (site / "Bugs.html").unlink()
        faults.fail["/Builtin.html"] = 500
        report = sync(settings, "m4")
        assert report.outcome == "partial" and report.removed == []
        assert any("Builtin.html: answered 500" in e for e in report.errors)
        assert {"Bugs.html", "Builtin.html"} <= urls(indexed(settings)[0])
        del faults.fail["/Builtin.html"]
        healed = sync(settings, "m4")
        assert [k.rsplit("/", 1)[-1] for k in healed.removed] == ["Bugs.html"]


def test_robots_rate_limits_redirects_and_loops_are_handled(tmp_path: Path) -> None:
    site = copy_manual(tmp_path / "site", *PAGES)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /Changeword.html\n", "utf-8")
    index = site / "index.html"
    index.write_text(index.read_text("utf-8").replace("</body>", (
        '<a href="Old-arguments.html">moved</a> <a href="Arguments.html#frag">again</a> '
        '<a href="Loop-a.html">loop</a></body>')), "utf-8")
    faults = Faults(slow_down={"/Arithmetic.html": 1}, retry_after="2",
                    redirects={"/Old-arguments.html": "/Arguments.html",
                               "/Loop-a.html": "/Loop-b.html", "/Loop-b.html": "/Loop-a.html"})
    with serve(site, faults) as (base, _):
        settings = settings_with(tmp_path / "data", m4=web(base))
        waits: list[float] = []
        report = sync_recording_waits(settings, waits)
        pages = [k.rsplit("/", 1)[-1] for k in report.added]
        [loop] = report.errors  # the loop is reported; the listing stays complete
        assert "Loop-a.html: too many redirects" in loop
        assert "Changeword.html" not in pages and faults.seen["/Changeword.html"] == 0
        assert pages.count("Arguments.html") == 1 and "Old-arguments.html" not in pages
        assert "Arithmetic.html" in pages and faults.seen["/Arithmetic.html"] == 2
        assert max(waits) >= 1.5  # Retry-After: 2 was waited out, not hammered
        assert not any("Loop" in p for p in pages)


def sync_recording_waits(settings: Any, waits: list[float]) -> Any:
    """One sync whose HTTP client records (and really takes) every pause it makes."""
    import time

    from sources.kinds import build_connector
    from sources.sync import SourceSync
    from stores import open_store

    source = settings.sources["m4"]
    connector: Any = build_connector("m4", source)

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    connector.client.sleep = sleep
    store = open_store(None, settings.data_dir)
    try:
        return SourceSync(settings, "m4", source, connector, store,
                          embedder=shared_minilm()).run()
    finally:
        store.close()


def test_a_sitemap_with_exclude_patterns_lists_only_what_is_wanted(tmp_path: Path) -> None:
    site = copy_manual(tmp_path / "site", *PAGES)
    with serve(site) as (base, faults):
        locs = "".join(f"<url><loc>{base}/{name}</loc></url>"
                       for name in ("Arguments.html", "Bugs.html", "Changecom.html"))
        (site / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{locs}</urlset>', "utf-8")
        options = {"kind": "web", "sitemap": f"{base}/sitemap.xml", "rate_per_s": 50,
                   "include": [f"{base}/A*", f"{base}/B*", f"{base}/C*"],
                   "exclude": ["*/Bugs.html"]}
        settings = settings_with(tmp_path / "data", m4=options)
        report = sync(settings, "m4")
    pages = {k.rsplit("/", 1)[-1] for k in report.added}
    assert "Arguments.html" in pages and "Changecom.html" in pages
    assert "Bugs.html" not in pages and faults.seen["/Bugs.html"] == 0
    assert "index.html" not in pages  # links outside the include globs are not followed


def test_a_timeout_or_a_malformed_sitemap_deletes_nothing(tmp_path: Path) -> None:
    site = copy_manual(tmp_path / "site", *PAGES)
    (site / "sitemap.xml").write_text("<urlset><url><loc>oops", "utf-8")  # cut short
    with serve(site) as (base, faults):
        settings = settings_with(tmp_path / "data", m4=web(base, timeout_s=1.0))
        assert sync(settings, "m4").outcome == "ok"
        (site / "Bugs.html").unlink()
        faults.stall["/Builtin.html"] = 3.0
        stalled = sync(settings, "m4")
        assert stalled.removed == [] and any("Builtin.html: timed out" in e
                                             for e in stalled.errors)
        del faults.stall["/Builtin.html"]
        broken = settings_with(tmp_path / "data",
                               m4=web(base, sitemap=f"{base}/sitemap.xml"))
        report = sync(broken, "m4")
        assert report.removed == [] and any("not a sitemap" in e for e in report.errors)
    assert "Bugs.html" in urls(indexed(settings)[0])
