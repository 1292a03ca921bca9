"""Where the secrets are in a text, found by detect-secrets' detectors (entropy included).

detect-secrets is a maintained scanner: its plugins know the token shapes of Slack, OpenAI,
GitHub, GitLab, AWS, Stripe, JWTs, private keys, credentials in URLs and more, and its
entropy plugins catch random-looking strings no pattern knows. It scans lines of code, so
this module turns its findings into character spans of free text: a whole PEM block, a
token, or only the value after ``password:`` (the keyword stays, so the text still reads).
A few token shapes the plugins do not know yet (``AIza``, ``github_pat_``, OpenAI project
keys) are added as patterns of their own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

Span = tuple[int, int]
PEM_BLOCK = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----.*?"
                       r"(?:-----END[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\Z)", re.S)
# Prefixed keys detect-secrets has no plugin for; a separator after the prefix keeps
# identifiers such as ``pkg_resources_module`` out.
PREFIXED = re.compile(r"(?<![\w-])(?:(?:sk|pk|rk)[-_][A-Za-z0-9_-]{16,}|AIza[\w-]{35}"
                      r"|github_pat_\w{22,}|gh[opsur]_\w{30,}|xapp-[\w-]{12,}"
                      r"|xox[abeoprs]-[\w-]{10,})")
BASE64_CHARS = re.compile(r"[A-Za-z0-9+/_=-]{20,}")
HEX_CHARS = re.compile(r"(?<![\w-])[0-9a-fA-F]{32,}(?![\w-])")
BASE64_LIMIT, HEX_LIMIT = 4.5, 3.0  # detect-secrets' own defaults


def secret_spans(text: str) -> list[Span]:
    """The spans of ``text`` holding secrets, merged and in order."""
    spans = [m.span() for m in PEM_BLOCK.finditer(text)]
    spans += [m.span() for m in PREFIXED.finditer(text)]
    spans += list(_detector_spans(text))
    spans += list(_keyword_spans(text))
    spans += list(_entropy_spans(text))
    return _merged(spans)


def _detector_spans(text: str) -> Iterator[Span]:
    for detector in _regex_detectors():
        for pattern in detector.denylist:
            for match in pattern.finditer(text):
                if _formally_valid(detector, match.group(0)):
                    yield _secret_part(match)


def _secret_part(match: re.Match[str]) -> Span:
    """The captured value where a pattern captures one after a lead-in (a URL's password,
    the value after ``aws_secret =``), else the whole match (a group at the start is a
    token's prefix such as ``ghp``, not its value)."""
    inner = [i for i in range(1, match.re.groups + 1)
             if match.group(i) and match.start(i) > match.start(0)]
    if inner:
        return match.span(max(inner, key=lambda i: len(match.group(i))))
    return match.span(0)


def _formally_valid(detector: Any, found: str) -> bool:
    check = getattr(detector, "is_formally_valid", None)
    return check is None or bool(check(found))


def _keyword_spans(text: str) -> Iterator[Span]:
    """The value after ``password:``, ``api_key =`` and the like (config-file rules)."""
    from detect_secrets.plugins.keyword import CONFIG_DENYLIST_REGEX_TO_GROUP

    for line_start, line in _lines(text):
        for pattern, group in CONFIG_DENYLIST_REGEX_TO_GROUP.items():
            for match in pattern.finditer(line):
                yield line_start + match.start(group), line_start + match.end(group)


def _entropy_spans(text: str) -> Iterator[Span]:
    """Random-looking runs of base64 or hex, judged by detect-secrets' entropy measure."""
    from detect_secrets.filters.heuristic import is_potential_uuid, is_sequential_string

    for pattern, charset, limit in _entropy_rules():
        for match in pattern.finditer(text):
            found = match.group(0)
            if is_sequential_string(found) or is_potential_uuid(found):
                continue
            if _shannon(found, charset) > limit:
                yield match.span()


@cache
def _entropy_rules() -> tuple[tuple[re.Pattern[str], str, float], ...]:
    from detect_secrets.plugins.high_entropy_strings import (
        Base64HighEntropyString,
        HexHighEntropyString,
    )

    return ((BASE64_CHARS, Base64HighEntropyString().charset, BASE64_LIMIT),
            (HEX_CHARS, HexHighEntropyString().charset, HEX_LIMIT))


def _shannon(data: str, charset: str) -> float:
    counts = [data.count(c) for c in set(charset)]
    return -sum(n / len(data) * math.log2(n / len(data)) for n in counts if n)


@cache
def _regex_detectors() -> tuple[Any, ...]:
    """Every pattern plugin detect-secrets ships, bar public IP addresses (not secrets)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.ip_public import IPPublicDetector

    classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    return tuple(cls() for cls in classes if issubclass(cls, RegexBasedDetector)
                 and cls is not IPPublicDetector)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for line in text.splitlines(keepends=True):
        yield start, line
        start += len(line)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact_secrets(text: str, mark: str = "[key]") -> str:
    """``text`` with every secret span replaced by ``mark``."""
    out, last = [], 0
    for start, end in secret_spans(text):
        out += [text[last:start], mark]
        last = end
    return "".join([*out, text[last:]])
