"""Whether a sync embeds on Ray: only a large one, and only when a cluster is configured.

Ray pays for starting workers and loading the model in every actor, so a sync of a few
documents embeds faster in this process; a first sync of a large source (or any sync with at
least ``ray_min_documents`` documents to fetch) is worth spreading. The cluster is the one
``bot deploy`` uses (``deploy.address``, else ``RAY_ADDRESS``); ``bot sources sync --ray``
names one, or a private local Ray, for one run. With none, the local path is used.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings


@dataclass(frozen=True)
class RayTarget:
    """Where large syncs embed: the cluster at ``address`` (None: a private local Ray)."""

    address: str | None = None

    def where(self) -> str:
        """The cluster in words, for log lines and reports."""
        return f"Ray cluster {self.address}" if self.address else "a local Ray"


def configured_ray(settings: Settings) -> RayTarget | None:
    """The cluster the bot is configured for (``deploy.address``, else ``RAY_ADDRESS``)."""
    address = settings.deploy.address or os.environ.get("RAY_ADDRESS", "").strip()
    return RayTarget(address) if address else None


def ray_refusal(
    target: RayTarget | None, documents: int, threshold: int, same_embedder: bool
) -> str | None:
    """Why this sync embeds locally (None: it embeds on Ray)."""
    if target is None:
        return "no Ray cluster configured"
    if documents < threshold:
        return f"{documents} documents to fetch, under ray_min_documents = {threshold}"
    if not same_embedder:
        return "the sync was given its own embedder, which Ray workers cannot build"
    if importlib.util.find_spec("ray") is None:
        return "Ray is not installed (pip install 'bot[ray]')"
    return None
