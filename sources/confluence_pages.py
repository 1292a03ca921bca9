"""Confluence pages and PDF attachments as listing entries, and a page as an HTML document.

A page's title carries its place in the tree ("Handbook / Onboarding / First week"), so a
passage cut from it says where it lives. Keys: ``page:<id>`` and ``attachment:<id>``;
version: Confluence's version number.
"""

from __future__ import annotations

import html
from typing import Any

from sources.confluence_client import ConfluenceCalls
from sources.model import Entry, Malformed
from sources.times import maybe_time

PDF = "application/pdf"


def list_pages(calls: ConfluenceCalls, space: str, base: str) -> list[Entry]:
    """Every current page of ``space``."""
    params = {"spaceKey": space, "type": "page", "status": "current",
              "expand": "version,ancestors"}
    what = f"the pages of space {space}"
    return [page_entry(item, base) for page in calls.pages("rest/api/content", what, params)
            for item in page]


def list_pdfs(calls: ConfluenceCalls, space: str, base: str) -> list[Entry]:
    """Every PDF attached to a page of ``space`` (one CQL search, not one call per page)."""
    params = {"cql": f'space = "{space}" and type = attachment',
              "expand": "version,container"}
    what = f"the attachments of space {space}"
    found = [item for page in calls.pages("rest/api/content/search", what, params)
             for item in page]
    return [_attachment_entry(item, base) for item in found if _is_pdf(item)]


def heading_path(page: dict[str, Any]) -> str:
    """The page's title after its ancestors' titles: "Handbook / Onboarding"."""
    titles = [str(a.get("title", "")) for a in page.get("ancestors") or []]
    return " / ".join([*titles, str(page.get("title", ""))])


def page_entry(item: dict[str, Any], base: str) -> Entry:
    """The entry of one page from a listing or a fetch (needs version and ancestors)."""
    try:
        version = item["version"]
        return Entry(key=f"page:{item['id']}", version=str(version["number"]),
                     url=base + str(item["_links"]["webui"]), title=heading_path(item),
                     modified=maybe_time(version.get("when")))
    except (KeyError, TypeError) as exc:
        raise Malformed(f"a Confluence page came without id, version or link: {exc}") from exc


def page_html(page: dict[str, Any]) -> bytes:
    """The page as an HTML document: its heading path as title and H1, then its body."""
    try:
        storage = str(page["body"]["storage"]["value"])
    except (KeyError, TypeError) as exc:
        raise Malformed(f"Confluence page {page.get('id')} came without its body") from exc
    title = html.escape(heading_path(page))
    return (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"{storage}</body></html>").encode()



def _is_pdf(item: dict[str, Any]) -> bool:
    media = ((item.get("extensions") or {}).get("mediaType")
             or (item.get("metadata") or {}).get("mediaType") or "")
    return media == PDF or str(item.get("title", "")).lower().endswith(".pdf")


def _attachment_entry(item: dict[str, Any], base: str) -> Entry:
    try:
        container = item.get("container") or {}
        title = " / ".join(t for t in (container.get("title"), item["title"]) if t)
        return Entry(key=f"attachment:{item['id']}", version=str(item["version"]["number"]),
                     url=base + str(item["_links"]["download"]), title=title,
                     modified=maybe_time(item["version"].get("when")),
                     size=(item.get("extensions") or {}).get("fileSize"))
    except (KeyError, TypeError) as exc:
        raise Malformed(f"a Confluence attachment came without id, version or link: {exc}") \
            from exc
