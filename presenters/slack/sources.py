"""Sources and progress the way Slack shows them best.

While the answer streams natively, each tool call is a task in Slack's plan display
(``task_update`` chunks: searching, reading N passages, calling a tool); the finished answer
closes with a "Sources" task whose URL source elements open the documents. Every answer, streamed
or edited, also carries a context block of numbered sources, linked where a URL is known, so
clients without the plan display (and the edit fallback) still show them.
"""

from __future__ import annotations

from typing import Any

from contracts.events import Source
from contracts.turn_view import ToolStep

MAX_SOURCES = 9  # a context block holds at most 10 elements; one is the label
MAX_URL_SOURCES = 10
TITLE_LIMIT = 150  # characters of a task title or a source's text (Slack truncates longer)
SEARCH_TOOL = "search_knowledge"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def linkable(source: Source) -> bool:
    return source.url.startswith(("https://", "http://"))


def title(source: Source) -> str:
    """``[2] Connecting to Slack — Tokens``: the number the answer cites, then the name."""
    name = f"{source.title} — {source.heading}" if source.title and source.heading else (
        source.title or source.label())
    return f"[{source.n}] {name}"[:TITLE_LIMIT]


def source_link(source: Source) -> str:
    """A mrkdwn link ``<url|[n] title>`` when the source has a URL, else the plain title."""
    text = _escape(title(source)).replace("|", "¦")
    return f"<{source.url}|{text}>" if linkable(source) else text


def sources_block(sources: list[Source]) -> dict[str, Any]:
    """The passages an answer drew on, as one context block of links under it."""
    shown = sources[:MAX_SOURCES]
    elements = [{"type": "mrkdwn", "text": "*Sources*"}]
    elements += [{"type": "mrkdwn", "text": source_link(s)} for s in shown]
    if len(sources) > len(shown):
        elements[-1]["text"] += f" (+{len(sources) - len(shown)} more)"
    return {"type": "context", "elements": elements}


def url_elements(sources: list[Source]) -> list[dict[str, Any]]:
    """URL source elements (python-slack-sdk's ``UrlSourceElement``) for linkable sources."""
    return [{"type": "url", "url": s.url, "text": title(s)}
            for s in sources if linkable(s)][:MAX_URL_SOURCES]


def task_chunk(step: ToolStep) -> dict[str, Any]:
    """One tool call as a task of the plan: in progress, then complete or failed."""
    searching = step.name == SEARCH_TOOL
    title_ = "Searching the docs" if searching else f"Calling {step.name}"
    chunk: dict[str, Any] = {"type": "task_update", "id": f"step-{step.id}"[:64],
                             "title": title_[:TITLE_LIMIT], "status": "in_progress"}
    if step.approval == "asked":
        chunk["details"] = "waiting for approval"
    if step.result is not None:
        chunk["status"] = "error" if step.failed else "complete"
        if searching and not step.failed:
            chunk["output"] = f"read {passages(step.result)} passages"
    return chunk


def passages(result: str) -> int:
    """How many passages a search found, from its summary (``4 passages for …``)."""
    first = result.split(" ", 1)[0]
    return int(first) if first.isdigit() else 0


def sources_chunk(sources: list[Source]) -> dict[str, Any] | None:
    """The closing "Sources" task with its URL source elements; None without any URL."""
    elements = url_elements(sources)
    if not elements:
        return None
    return {"type": "task_update", "id": "sources", "title": "Sources", "status": "complete",
            "sources": elements}
