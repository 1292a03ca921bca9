"""Fetching one file of a repository: its blob, its media type and when it last changed."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sources.github_client import GitHubCalls
from sources.github_options import RepoRef
from sources.model import Malformed
from sources.times import maybe_time

MEDIA_TYPES = {
    ".md": "text/markdown", ".mdx": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf",
}


def media_type(path: str) -> str:
    """The media type the knowledge base's loaders expect for ``path`` (plain text if unknown)."""
    dot = path.rfind(".")
    return MEDIA_TYPES.get(path[dot:].lower(), "text/plain") if dot >= 0 else "text/plain"


def read_blob(calls: GitHubCalls, ref: RepoRef, sha: str, path: str) -> bytes:
    """The bytes of blob ``sha`` (GitHub sends them base64-encoded in JSON)."""
    what = f"{path} in repo {ref.full_name}"
    blob = calls.get(f"repos/{ref.full_name}/git/blobs/{sha}", what)
    if not isinstance(blob, dict) or blob.get("encoding") not in ("base64", "utf-8"):
        raise Malformed(f"GitHub answered {what} without its content")
    content = str(blob.get("content", ""))
    if blob["encoding"] == "utf-8":
        return content.encode()
    try:
        return base64.b64decode(content, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise Malformed(f"GitHub answered {what} with content that is not base64") from exc


def last_changed(calls: GitHubCalls, ref: RepoRef, path: str, commit: str) -> datetime | None:
    """When ``path`` last changed at or before ``commit`` (its newest commit's date)."""
    what = f"the history of {path} in repo {ref.full_name}"
    commits = calls.get(f"repos/{ref.full_name}/commits", what,
                        {"path": path, "sha": commit, "per_page": 1})
    try:
        return maybe_time(commits[0]["commit"]["committer"]["date"])
    except (IndexError, KeyError, TypeError):
        return None
