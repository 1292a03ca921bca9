"""Path globs as people write them in config: ``docs/**/*.md``, ``*.rst``, ``!drafts/**``.

``*`` stays inside one folder, ``**/`` spans any number of folders (zero included), ``?``
is one character. A pattern without a ``/`` matches the file name in any folder, as
.gitignore does, so ``*.md`` means every Markdown file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """The compiled regular expression for one glob."""
    if "/" not in pattern:
        pattern = "**/" + pattern
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i])))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(path: str, include: Sequence[str], exclude: Sequence[str] = ()) -> bool:
    """True when ``path`` matches one of ``include`` and none of ``exclude``."""
    path = path.lstrip("/")
    if not any(glob_regex(p).match(path) for p in include):
        return False
    return not any(glob_regex(p).match(path) for p in exclude)
