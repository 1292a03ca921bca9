"""An MCP tool result as the text the model reads: content blocks joined, size capped."""

from __future__ import annotations

import json
from typing import Any


def block_text(block: Any) -> str:
    """One content block as text; binary parts are named, not inlined."""
    kind = getattr(block, "type", "")
    if kind == "text":
        return str(block.text)
    if kind in ("image", "audio"):
        return f"[{kind}: {block.mime_type}, {len(block.data) * 3 // 4} bytes]"
    if kind == "resource":
        inner = block.resource
        return str(getattr(inner, "text", None) or f"[resource: {inner.uri}]")
    if kind == "resource_link":
        return f"[resource link: {block.uri}]"
    return f"[{kind or 'unknown'} content]"


def result_text(result: Any) -> str:
    """The text of a ``CallToolResult``; its structured content when it has no text."""
    parts = [block_text(b) for b in result.content or []]
    text = "\n".join(p for p in parts if p)
    if not text and result.structured_content is not None:
        text = json.dumps(result.structured_content, ensure_ascii=False)
    return text


MAX_ERROR_CHARS = 1000  # an error explains itself in a paragraph; more is noise or an attack


def error_text(text: str, max_chars: int) -> str:
    """A server's error message as the model reads it: at most ``MAX_ERROR_CHARS``."""
    return capped(text, min(max_chars, MAX_ERROR_CHARS))


def capped(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars``, saying so where the model will read it."""
    if len(text) <= max_chars:
        return text
    return (f"{text[:max_chars]}\n[result cut: the first {max_chars} of {len(text)} characters "
            "are shown]")
