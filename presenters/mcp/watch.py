"""Telling MCP clients that a document changed: subscriptions and a watcher.

Clients on protocols up to 2025-11-25 subscribe to a document's URI (``resources/subscribe``)
and get ``notifications/resources/updated``; clients on 2026-07-28 listen
(``subscriptions/listen``) and get the same through the SDK's subscription bus. While any
client subscribed or documents were read, the watcher looks at the collection every
``interval_s`` seconds and announces each document whose content changed, appeared or went
(``bot ingest`` in another process, or a source sync).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from typing import Any

import structlog
from mcp.shared.subscriptions import ResourcesListChanged, ResourceUpdated

from bot.documents import DocumentShelf
from presenters.mcp.documents import document_uri

log = structlog.get_logger("presenters.mcp")


class DocumentWatch:
    def __init__(self, shelf: DocumentShelf, bus: Any, interval_s: float) -> None:
        self.shelf, self.bus, self.interval_s = shelf, bus, interval_s
        self.subscribers: dict[str, set[Any]] = defaultdict(set)  # URI -> client sessions
        self.seen: dict[str | None, dict[str, str]] = {}  # place -> path -> content hash
        self._task: asyncio.Task[None] | None = None

    async def watch(self, place: str | None) -> None:
        """Start watching ``place``'s collection (its current state is the baseline)."""
        if place not in self.seen:
            self.seen[place] = await self._hashes(place)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="mcp-document-watch")

    async def subscribe(self, session: Any, uri: str, place: str | None) -> None:
        self.subscribers[uri].add(session)
        await self.watch(place)

    def unsubscribe(self, session: Any, uri: str) -> None:
        self.subscribers[uri].discard(session)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            for place in list(self.seen):
                try:
                    await self.check(place)
                except Exception as exc:  # a busy or missing store: look again next time
                    log.warning("mcp_watch_failed", error_type=type(exc).__name__)

    async def check(self, place: str | None) -> list[str]:
        """Announce what changed in ``place``'s collection since the last look; the URIs."""
        now, before = await self._hashes(place), self.seen.get(place, {})
        self.seen[place] = now
        changed = sorted(p for p in now.keys() | before.keys() if now.get(p) != before.get(p))
        uris = [document_uri(p) for p in changed]
        for uri in uris:
            await self.bus.publish(ResourceUpdated(uri))
            for session in list(self.subscribers.get(uri, ())):
                await self._notify(session, uri)
        if now.keys() != before.keys():
            await self.bus.publish(ResourcesListChanged())
        if uris:
            log.info("mcp_documents_changed", documents=len(uris))
        return uris

    async def _notify(self, session: Any, uri: str) -> None:
        try:
            await session.send_resource_updated(uri)
        except Exception:  # the client went away: forget it
            self.subscribers[uri].discard(session)

    async def _hashes(self, place: str | None) -> dict[str, str]:
        docs = await asyncio.to_thread(self.shelf.catalogue, place)
        return {d.path: d.content_hash for d in docs}

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
