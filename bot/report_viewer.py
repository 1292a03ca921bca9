"""What the viewer of a report may see: ``bot stats``' most cited sources, the fine-tuning
export, the eval reports and the Gradio Stats tab (docs/access.md, "Reports").

A report shows sources and answers that were written for someone else. A viewer with a
principal sees a cited source only when they may read every passage of it *now* — its
readers as the knowledge base holds them after the last permission sync, in every collection
a space searches — and an answer only when they may read each source it (and the
conversation before it) drew on. A source no longer in the knowledge base is not shown: its
readers are unknown (fail closed). Hidden items are left out without a trace (no count, no
"n hidden"), so a report never says that something hidden exists. A viewer of ``None`` is
the operator on the server, trusted to see everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from contracts.access import Principal, may_read
from contracts.events import Source

if TYPE_CHECKING:
    from config import Settings
    from contracts.store import TurnRecord

Readers = Sequence[str] | str | None


class ReportViewer:
    """One viewer's filter over a report; the knowledge base is read once, on first use."""

    def __init__(self, settings: Settings, principal: Principal | None) -> None:
        self.settings = settings
        self.principal = principal
        self._readers: dict[str, list[Readers]] | None = None

    def source(self, name: str) -> bool:
        """Whether the viewer may see the cited source ``name`` (a path or URL) now."""
        if self.principal is None:
            return True
        found = self.readers().get(name) or []
        return bool(found) and all(may_read(r, self.principal) for r in found)

    def sources(self, sources: Iterable[Source]) -> bool:
        """Whether the viewer may see every one of ``sources``: as stored with the answer
        and as the knowledge base says now (a grant revoked since counts)."""
        if self.principal is None:
            return True
        return all(
            may_read(s.readers or None, self.principal) and self.source(s.source) for s in sources
        )

    def conversation(self, turns: Iterable[TurnRecord]) -> bool:
        """Whether the viewer may see a stored conversation: every answer's sources."""
        return self.principal is None or all(self.sources(t.sources) for t in turns)

    def readers(self) -> dict[str, list[Readers]]:
        """Source -> the readers of each of its passages, over every searched collection."""
        if self._readers is None:
            self._readers = {}
            for settings in collections(self.settings):
                for meta in _metadatas(settings):
                    name = str(meta.get("source", ""))
                    readers = meta.get("readers")
                    self._readers.setdefault(name, []).append(
                        readers if isinstance(readers, str | list) else None
                    )
        return self._readers


def collections(settings: Settings) -> list[Settings]:
    """The settings of each collection a turn may search: the default and each space's."""
    named = {settings.kb.collection: settings}
    for space in settings.spaces.values():
        if space.collection is not None and space.collection not in named:
            kb = settings.kb.model_copy(update={"collection": space.collection})
            named[space.collection] = settings.model_copy(update={"kb": kb})
    return list(named.values())


def _metadatas(settings: Settings) -> Iterable[dict[str, Any]]:
    """Every chunk's metadata in ``settings``' collection (none when it was never made)."""
    from bot.documents import metadata_pages
    from knowledge.embedder import embedder_name
    from knowledge.errors import CollectionMissing
    from knowledge.store import KnowledgeStore

    try:
        store = KnowledgeStore.open(settings, embedder_name(settings), create=False)
    except CollectionMissing:
        return []
    try:
        return list(metadata_pages(store.collection))
    finally:
        store.close()
