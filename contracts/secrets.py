"""Secret values to keep out of every log line: known values, and patterns of common keys.

Any layer that reads a secret (an LLM backend, the store, the CLI) registers it here; the
logging setup redacts what is registered. Process-wide on purpose: a secret is a secret in
every log line of the process, whichever session logged it.
"""

from __future__ import annotations

import re

_SECRET_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"xox[abpre]-[A-Za-z0-9\-]{6,}"),
    re.compile(r"xapp-[A-Za-z0-9\-]{6,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.]{8,}"),
]
_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Redact this exact value from every log line from now on."""
    if value and len(value) >= 6:
        _known_secrets.add(value)


def redact(text: str) -> str:
    for secret in _known_secrets:
        text = text.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text
