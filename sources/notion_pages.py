"""A Notion page as a listing entry and as one Markdown document (properties, then blocks)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sources.http_faults import too_large
from sources.model import Entry, Malformed
from sources.notion_api import NotionCalls
from sources.notion_blocks import LIST_LIKE, block_line, indent, rich_text
from sources.times import parse_time

NOT_DESCENDED = {"child_page", "child_database"}  # they are documents of their own
# Notion rounds last_edited_time down to the minute: an edit in the same minute as a fetch
# would leave the version unchanged. Until a page's minute is safely over its version is
# provisional, so the first listing after that fetches it once more.
SETTLE = timedelta(minutes=2)


def page_title(page: dict[str, Any]) -> str:
    """The text of the page's ``title`` property ("Untitled" when empty)."""
    for prop in (page.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return rich_text(prop.get("title")) or "Untitled"
    return "Untitled"


def in_database(page: dict[str, Any]) -> bool:
    """True for a row of a database (its parent is a data source or a database)."""
    return (page.get("parent") or {}).get("type") in ("data_source_id", "database_id")


def page_entry(page: dict[str, Any]) -> Entry:
    """The entry of a page from search or retrieve; version is ``last_edited_time``."""
    try:
        edited = str(page["last_edited_time"])
        return Entry(key=f"page:{page['id']}", version=edited, url=str(page["url"]),
                     title=page_title(page), modified=parse_time(edited))
    except (KeyError, TypeError, ValueError) as exc:
        raise Malformed(f"Notion listed a page without id, url or last_edited_time: {exc}") \
            from exc


def settled(entry: Entry, now: datetime) -> Entry:
    """``entry`` with a provisional version (``<time>~<now>``) while its edit minute may
    still be receiving edits; the plain ``last_edited_time`` once it cannot."""
    if entry.modified is None or now - entry.modified >= SETTLE:
        return entry
    return replace(entry, version=f"{entry.version}~{now.isoformat(timespec='seconds')}")



def properties_markdown(page: dict[str, Any]) -> list[str]:
    """A database row's other properties as ``**Name**: value`` lines."""
    lines = []
    for name, prop in (page.get("properties") or {}).items():
        value = _property_text(prop) if isinstance(prop, dict) else ""
        if value and prop.get("type") != "title":
            lines.append(f"**{name}**: {value}")
    return lines


def _property_text(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    value = prop.get(str(kind))
    if kind == "rich_text":
        return rich_text(value)
    if kind in ("select", "status"):
        return str((value or {}).get("name", ""))
    if kind == "multi_select":
        return ", ".join(str(v.get("name", "")) for v in value or [])
    if kind == "date":
        return str((value or {}).get("start", ""))
    if kind in ("number", "url", "email", "phone_number", "checkbox"):
        return "" if value is None else str(value)
    if kind == "people":
        return ", ".join(str(p.get("name", p.get("id", ""))) for p in value or [])
    return ""


class PageText:
    """Walks a page's blocks (nested ones too) into Markdown, refusing past ``max_bytes``."""

    def __init__(self, calls: NotionCalls, title: str, max_bytes: int) -> None:
        self.calls, self.title, self.max_bytes = calls, title, max_bytes
        self.lines: list[str] = []
        self.size = 0

    def read(self, page_id: str) -> str:
        """The page's blocks as Markdown."""
        self._walk(page_id, 0)
        return "\n\n".join(self.lines)

    def _walk(self, block_id: str, depth: int) -> None:
        what = f"the blocks of page {self.title!r}"
        children = self.calls.client.blocks.children.list
        for page in self.calls.pages(what, children, block_id=block_id, page_size=100):
            for block in page:
                self._add(block, depth)

    def _add(self, block: dict[str, Any], depth: int) -> None:
        line = block_line(block)
        if line:
            self.lines.append(indent(line, depth))
            self.size += len(line.encode())
            if self.size > self.max_bytes:
                raise too_large(f"Notion page {self.title!r}", self.size, self.max_bytes)
        kind = str(block.get("type", ""))
        if block.get("has_children") and kind not in NOT_DESCENDED:
            self._walk(str(block["id"]), depth + (1 if kind in LIST_LIKE else 0))
