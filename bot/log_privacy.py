"""Conversation keys that grant access, kept out of log lines (as traces keep them out).

A Gradio page's key (``gradio:<browser id>``) and an MCP conversation's (``mcp:<id>``) are
what lets a browser or a client back into a conversation: whoever reads the info log must
not be able to. Logs show ``gradio:#<hash>``, the same hash a turn's trace carries
(``bot.session.hash``), so a log line and a trace of one turn can still be matched.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from bot.turn_trace import turn_attributes

ACCESS_KEYS = ("gradio:", "mcp:")  # presenters whose key alone reaches the conversation
KEY_FIELDS = ("session", "session_key")


def hidden_key(key: str) -> str:
    """``gradio:<id>`` -> ``gradio:#<hash>``; other keys (Slack threads, API) stay readable."""
    if not key.startswith(ACCESS_KEYS):
        return key
    presenter = key.split(":", 1)[0]
    return f"{presenter}:#{turn_attributes(key)['bot.session.hash']}"


def hide_access_keys(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> Any:
    """structlog processor: every key field holding an access-granting key, hashed."""
    for name in KEY_FIELDS:
        value = event_dict.get(name)
        if isinstance(value, str):
            event_dict[name] = hidden_key(value)
    return event_dict
