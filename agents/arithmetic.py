"""Arithmetic in a message ("What is 17 times 23?"), for the calculator instead of a model.

A small model multiplies like it writes: fluently and wrongly. When the whole message is a
sum, the pipeline hands the expression to the ``calculator`` tool.
"""

from __future__ import annotations

import re

_OPERATOR_WORDS = (
    (r"multiplied\s+by|times|x", "*"), (r"divided\s+by|over", "/"), (r"plus", "+"),
    (r"minus", "-"), (r"to\s+the\s+power\s+of", "**"), (r"squared", "**2"),
)
_ASKING = re.compile(
    r"^(?:(?:what|how\s+much)(?:'s|\s+is|\s+are|\s+does)?|calculate|compute|work\s+out|"
    r"tell\s+me|please|can\s+you|could\s+you|the\s+result\s+of)\s+", re.I
)
_EXPRESSION = re.compile(r"[\d\s.+\-*/()%]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_OPERATOR = re.compile(r"[+\-*/%]")


def arithmetic_expression(message: str) -> str | None:
    """The expression when the whole message asks for one sum; None otherwise."""
    text = message.lower().replace("×", "*").replace("÷", "/").strip().rstrip("?.!= ")
    while (asking := _ASKING.match(text)) is not None:
        text = text[asking.end():]
    text = text.removesuffix(" equal").removesuffix(" make")
    for words, symbol in _OPERATOR_WORDS:
        text = re.sub(rf"(?<=[\d\s)]){words}(?=[\s\d(])", f" {symbol} ", text)
    text = " ".join(text.split())
    if not _EXPRESSION.fullmatch(text) or len(_NUMBER.findall(text)) < 2:
        return None
    return text if _OPERATOR.search(text) else None
