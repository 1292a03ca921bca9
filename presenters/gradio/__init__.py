"""The Gradio web presenter: ``bot serve gradio``.

Importing this package is cheap; ``gradio`` itself (about 3 s to import) is imported only
by :mod:`presenters.gradio.app` and the modules it uses. Gradio's analytics are switched off
before that import so the server never tries the network on its own.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

if TYPE_CHECKING:
    from bot.app import Bot


def start(bot: Bot) -> int:
    """``bot serve``'s entry point (config/presenters.py's rule); imports the presenter now."""
    from presenters.gradio.app import serve as run

    return run(bot)
