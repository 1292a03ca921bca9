"""Identifiers in text: the exact terms (settings, commands, functions) that a question names.

Dense retrieval ranks a page *about* a topic above the page that *defines* an exact name
such as ``work_mem``, ``pg_stat_activity``, ``os.path.join`` or ``--data-checksums``. The
lexical index stores each chunk's identifiers whole (word search splits ``work_mem`` into
``work`` and ``mem``), and a question naming one boosts the chunks that contain it exactly.
"""

from __future__ import annotations

import re

# A word with an inner '_', '.', '::' or '-' between word characters, a leading '--' or '-x'
# option, a call ``name()``, a camelCase or CamelCase word, or an ALL-CAPS word with a digit
# or underscore. Plain words are left to the word index.
_IDENT = re.compile(
    r"""
    (?<![\w.-])
    (?:
        --?[A-Za-z][\w-]*                      # --data-checksums, -D
      | [A-Za-z_][\w$]*(?:(?:\.|::|->)[A-Za-z_][\w$]*)+  # os.path.join, pg_catalog.pg_class
      | [A-Za-z]*_[\w$]*                        # work_mem, __init__, PG_VERSION
      | [a-z]+[A-Z][A-Za-z0-9]*                 # camelCase
      | [A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*         # CamelCase
      | [A-Za-z]+[0-9][\w]*                     # utf8mb4, int4range, sha256
    )
    (?:\(\))?
    """,
    re.VERBOSE,
)
MIN_LENGTH = 3


def identifiers(text: str) -> list[str]:
    """The identifiers in ``text``, lower-cased, in order of first appearance, no repeats."""
    seen: dict[str, None] = {}
    for match in _IDENT.finditer(text):
        term = match.group(0).removesuffix("()").strip(".-").lower()
        if _plausible(term):
            seen.setdefault(term, None)
    return list(seen)


def _plausible(term: str) -> bool:
    """Long enough, has a letter, and no one-letter dotted parts (``e.g``, ``i.e``)."""
    if len(term) < MIN_LENGTH or not any(c.isalpha() for c in term):
        return False
    return "." not in term or all(len(part) >= 2 for part in term.split("."))
