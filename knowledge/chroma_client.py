"""Opening Chroma: embedded (``PersistentClient`` in the data dir) or a server (``kb.url``).

Telemetry is switched off both ways (the environment variable and the client setting), so
nothing tries the network.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from knowledge.errors import StoreUnavailable

if TYPE_CHECKING:
    from config import Settings


def chroma_path(settings: Settings) -> Path:
    """Where the embedded Chroma keeps its files."""
    return settings.data_dir / "chroma"


def location(settings: Settings) -> str:
    return settings.kb.url or str(chroma_path(settings))


def open_client(settings: Settings) -> Any:
    """A Chroma client for the configured location. Raises StoreUnavailable, never hangs."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = settings.kb.url
    try:
        if url is None:
            path = chroma_path(settings)
            path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        host, port, ssl = parse_url(url)
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
    except StoreUnavailable:
        raise
    except Exception as exc:
        where = f"the Chroma server at {url} (kb.url)" if url else f"Chroma at {location(settings)}"
        fix = (
            "start it (`chroma run --path DIR --port N`) or unset kb.url"
            if url
            else "check the folder is writable, or set data_dir"
        )
        raise StoreUnavailable(
            f"cannot open {where}: {type(exc).__name__}: {exc}. Fix: {fix}"
        ) from exc


def parse_url(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) from ``http(s)://host[:port]``; Chroma's default port is 8000."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreUnavailable(
            f"kb.url = {url!r} is not an http(s) URL. Fix: e.g. kb.url = 'http://127.0.0.1:8000'"
        )
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl
