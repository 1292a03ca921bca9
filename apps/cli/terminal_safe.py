"""Text from the store made safe to print on an operator's terminal.

User ids, channel names and questions come from outside (an API client's ``user`` field, a
Slack message): an ESC byte in them would let a stranger move the cursor, retitle the
window or hide lines of ``bot stats``. Control characters and bidirectional overrides are
shown escaped instead (``\\x1b``), so the operator sees that they were there.
"""

from __future__ import annotations

import re

UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character written as a visible escape."""
    return UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                           else f"\\u{ord(m.group()):04x}", text)
