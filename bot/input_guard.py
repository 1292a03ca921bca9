"""What a user may send: control characters stripped, empty ignored, size bounded."""

from __future__ import annotations

import re

# Coloured text pasted from a terminal carries whole escape sequences (CSI "ESC [ ... m",
# OSC "ESC ] ... BEL"); stripping only the ESC byte would leave "[31m" in the message.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # keeps tab, newline


class InputTooLong(ValueError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"Your message is {length:,} characters; the limit is {limit:,}. "
            "Please shorten it or split it into parts."
        )
        self.length = length
        self.limit = limit


def clean_input(text: str, max_chars: int) -> str:
    """The message as the bot will store it; raises :class:`InputTooLong` past ``max_chars``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _CONTROL.sub("", _ESCAPES.sub("", text)).strip()
    if len(cleaned) > max_chars:
        raise InputTooLong(len(cleaned), max_chars)
    return cleaned
