"""Which conversation a browser is in: an unguessable id kept in the browser's storage.

The id travels in ``gr.BrowserState`` (the browser's localStorage), so a reload or a server
restart finds the same conversation. Knowing an id is what gives access to it, so ids are
random 128-bit tokens minted by the server; anything else a client sends is replaced.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")


def session_id(candidate: Any) -> str:
    """``candidate`` when it is an id we could have minted, else a fresh one."""
    if isinstance(candidate, str) and ID_PATTERN.fullmatch(candidate):
        return candidate
    return secrets.token_urlsafe(16)


def session_key(sid: str) -> str:
    """The Session key for a browser's id: ``gradio:<id>``."""
    return f"gradio:{sid}"


def storage_secret(configured: str | None, storage_key: str) -> str:
    """The key that scrambles the id in localStorage. Gradio hands it to the page, so it is
    no server secret; it only has to stay the same across restarts for the id to survive."""
    if configured:
        return configured
    return hashlib.sha256(f"bot-gradio:{storage_key}".encode()).hexdigest()[:32]
