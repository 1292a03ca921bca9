"""Plain settings and data: Settings, backend presets, the presenter table, the default
bot.toml and prompts.

This package imports nothing from the rest of the project. ``Settings`` and
``load_settings`` are loaded on first use (pydantic-settings costs ~100 ms), so ``bot --help``,
which reads only the presenter table, does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from config import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'config' has no attribute {name!r}")
