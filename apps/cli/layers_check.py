"""Is every layer of the bot imported from the same installation as ``bot`` itself?

The layers are top-level packages (docs/architecture.md), so another distribution with a
top-level ``config`` or ``tools`` earlier on the path would shadow ours and fail much later
with an unrelated ImportError. This finds that first, without importing anything.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

LAYERS = ("contracts", "config", "backends", "stores", "knowledge", "sources", "judging",
          "agents", "tools", "presenters", "apps")


def shadowed_layers() -> list[str]:
    """One line per layer found outside the folder that holds ``bot``: what and the fix."""
    home = _folder_of("bot")
    problems = []
    for name in LAYERS:
        where = _folder_of(name)
        if home is not None and where is not None and where != home:
            problems.append(
                f"the package {name!r} is imported from {where / name}, not from {home}: "
                f"another distribution installs a top-level {name!r} package. Fix: install "
                "the bot into a virtual environment of its own (`make chat` makes .venv)")
    return problems


def _folder_of(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).resolve().parent.parent
