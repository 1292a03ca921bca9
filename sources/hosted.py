"""The hosted-service kinds, as ``"module:Class"`` strings so that naming them imports
nothing: the sync engine resolves a kind only when a source of that kind is configured."""

from __future__ import annotations

HOSTED_KINDS: dict[str, str] = {
    "github": "sources.github:GitHubConnector",
    "confluence": "sources.confluence:ConfluenceConnector",
    "notion": "sources.notion:NotionConnector",
}
