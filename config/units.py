"""Amounts with units, as budgets are written: ``"200k"`` tokens, ``"$2.50"``, ``"20/minute"``.

Each parser returns the amount in the unit the bot counts in (tokens, US dollars, requests
per a number of seconds) or raises ``ValueError`` saying what is wrong and how to write it;
pydantic adds the field's name in front.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN_SUFFIXES = {"": 1, "k": 1_000, "m": 1_000_000}
DOLLAR_UNITS = ("usd", "$", "dollars", "dollar")
PERIODS = {"second": 1, "s": 1, "sec": 1, "minute": 60, "min": 60, "m": 60,
           "hour": 3600, "h": 3600, "hr": 3600, "day": 86_400, "d": 86_400}
PERIOD_NAMES = {1: "second", 60: "minute", 3600: "hour", 86_400: "day"}

TOKENS_FIX = 'Fix: write a token count such as 200000, "200k" or "1.5M"'
DOLLARS_FIX = 'Fix: write US dollars such as 2.5, "$2.50" or "2.50 USD" (costs are in USD)'
RATE_FIX = 'Fix: write requests per period such as "20/minute" (second, minute, hour or day)'
NUMBER = re.compile(r"[+-]?\d[\d_,]*(?:\.\d+)?|[+-]?\.\d+")


def _split(text: str) -> tuple[float, str] | None:
    """``"1.5 M"`` -> (1.5, "M"); None when it does not start with a number."""
    match = NUMBER.match(text)
    if match is None:
        return None
    number = float(match.group().replace(",", "").replace("_", ""))
    return number, text[match.end():].strip()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _not_negative(amount: float, fix: str) -> float:
    if amount < 0:
        raise ValueError(f"a budget cannot be negative. {fix}, or leave it out for no limit")
    return amount


def parse_tokens(value: Any) -> int | None:
    """Tokens: ``200000``, ``"200k"``, ``"1.5M"``, ``"200k tokens"``."""
    if value is None:
        return None
    if _is_number(value):
        return int(_not_negative(float(value), TOKENS_FIX))
    if not isinstance(value, str):
        raise ValueError(f"expected a token count, got {value!r}. {TOKENS_FIX}")
    text = re.sub(r"\s*tokens?$", "", value.strip(), flags=re.IGNORECASE)
    split = _split(text)
    if split is None or split[1].lower() not in TOKEN_SUFFIXES:
        unit = split[1] if split else text
        raise ValueError(f"unknown unit {unit!r} for tokens. {TOKENS_FIX}")
    return int(_not_negative(split[0], TOKENS_FIX) * TOKEN_SUFFIXES[split[1].lower()])


def parse_dollars(value: Any) -> float | None:
    """US dollars: ``2.5``, ``"$2.50"``, ``"2.50 USD"``."""
    if value is None:
        return None
    if _is_number(value):
        return _not_negative(float(value), DOLLARS_FIX)
    if not isinstance(value, str):
        raise ValueError(f"expected US dollars, got {value!r}. {DOLLARS_FIX}")
    text = value.strip()
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("+-").strip()
    if text.startswith("$"):
        text = text[1:].strip() + " usd"
    split = _split(sign + text)
    if split is None or split[1].lower() not in (*DOLLAR_UNITS, ""):
        unit = split[1] if split else value.strip()
        raise ValueError(f"unknown unit {unit!r} for a cost. {DOLLARS_FIX}")
    return _not_negative(split[0], DOLLARS_FIX)


def parse_rate(value: Any) -> str | None:
    """Requests per period, normalised: ``"20/min"`` and ``"20 per minute"`` -> ``"20/minute"``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a rate, got {value!r}. {RATE_FIX}")
    count_text, sep, period_text = re.sub(r"\s+per\s+", "/", value.strip()).partition("/")
    count_text = re.sub(r"\s*requests?$", "", count_text.strip(), flags=re.IGNORECASE)
    period = period_text.strip().lower()
    period = period if period in PERIODS else period.removesuffix("s")
    split = _split(count_text)
    if not sep or split is None or split[1] or not split[0].is_integer():
        raise ValueError(f"{value!r} is not a rate. {RATE_FIX}")
    if period not in PERIODS:
        raise ValueError(f"unknown period {period_text.strip()!r}. {RATE_FIX}")
    count = int(_not_negative(split[0], RATE_FIX))
    return f"{count}/{PERIOD_NAMES[PERIODS[period]]}"


def rate_parts(rate: str) -> tuple[int, int]:
    """``"20/minute"`` -> (20, 60): the count and the window in seconds."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]
