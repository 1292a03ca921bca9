"""Cut streamed text into the units the support check judges: sentences, lines, code blocks.

A unit ends at a line break or at ``.``, ``!`` or ``?`` followed by a space, and carries
the whitespace after it, so the units kept join back into the text as it was written. A
fenced code block is one unit. A unit is complete only once the text after it has begun
(more whitespace may still come), or when the stream ends.
"""

from __future__ import annotations

import re

from agents.wording import FENCE_MARK

_END = re.compile(r"[.!?](?=\s)|\n")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z])$", re.I)  # "1." opening a list item
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|cf)|\.\.)$", re.I)


class SentenceSplitter:
    """Feed text as it streams; get back each unit once it is complete."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, text: str) -> list[str]:
        self._buffer += text
        units = []
        while (unit := self._next()) is not None:
            units.append(unit)
        return units

    def close(self) -> list[str]:
        """The rest of the text as a last unit (empty list when there is none)."""
        rest, self._buffer = self._buffer, ""
        return [rest] if rest.strip() else []

    def _next(self) -> str | None:
        end = self._unit_end()
        if end is None:
            return None
        while end < len(self._buffer) and self._buffer[end].isspace():
            end += 1
        if end == len(self._buffer):  # the whitespace may go on: wait for the next text
            return None
        unit, self._buffer = self._buffer[:end], self._buffer[end:]
        return unit

    def _unit_end(self) -> int | None:
        """Where the first unit in the buffer ends (after its last character), if it does."""
        text = self._buffer
        start = len(text) - len(text.lstrip())
        if text.startswith(FENCE_MARK, start):
            close = text.find("\n" + FENCE_MARK, start + len(FENCE_MARK))
            if close < 0:
                return None
            line_end = text.find("\n", close + 1 + len(FENCE_MARK))
            return None if line_end < 0 else line_end + 1
        for match in _END.finditer(text, start):
            before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            if match.group() == "\n" or not (
                _LIST_MARKER.match(before) or _ABBREVIATION.search(before)
            ):
                return match.end()
        return None
