"""Phone numbers in free text, told apart from dates, IP addresses, versions and token parts.

A run of digit groups is a phone number when it holds 7 to 15 digits (E.164's most), is not
glued to a word or a token (``abc-1234567``), and is not a date (``2024-01-15``,
``15.01.2024``), a time, an IP address, a dotted version number or a decimal.
"""

from __future__ import annotations

import re

CANDIDATE = re.compile(r"(?<![\w+\-./:@])\+?\(?\d[\d ().-]{5,}\d(?![\w\-/:@]|\.\d)")
DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
DOTTED = re.compile(r"\d{1,3}(?:\.\d{1,3}){2,}|\d+\.\d+")  # IPs, versions, decimals
DIGITS_MIN, DIGITS_MAX = 7, 15


def is_phone(candidate: str) -> bool:
    """Whether a run of digits and separators reads as a phone number."""
    digits = sum(c.isdigit() for c in candidate)
    if not DIGITS_MIN <= digits <= DIGITS_MAX:
        return False
    bare = candidate.strip("+() ")
    return not (DATE.fullmatch(bare) or DOTTED.fullmatch(bare))


def redact_phones(text: str, mark: str = "[phone]") -> str:
    """``text`` with every phone number replaced by ``mark``; dates and addresses stay."""
    return CANDIDATE.sub(lambda m: mark if is_phone(m.group(0)) else m.group(0), text)
