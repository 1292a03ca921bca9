"""A progress bar on stderr (tqdm when installed and stderr is a terminal)."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """``update(n)`` per finished item; silent when not wanted or not a terminal."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self._bar: Any = None
        if enabled and total and sys.stderr.isatty():
            try:
                from tqdm import tqdm
            except ImportError:  # the eval extra brings tqdm; without it, no bar
                return
            self._bar = tqdm(total=total, unit="item", file=sys.stderr, dynamic_ncols=True)

    def describe(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_description(text)

    def update(self, n: int = 1, **postfix: Any) -> None:
        if self._bar is not None:
            self._bar.update(n)
            if postfix:
                self._bar.set_postfix(postfix, refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
