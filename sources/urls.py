"""Checking the URLs people write in config, with an error that names the field."""

from __future__ import annotations

from urllib.parse import urlparse


def http_url(field: str, url: str, example: str) -> str:
    """``url`` without a trailing slash; ValueError naming ``field`` when it is not http(s)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{field}: {url!r} is not an http(s) URL; write e.g. {example!r}")
    return url.rstrip("/")
