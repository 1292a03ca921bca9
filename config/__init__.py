"""Plain settings and data: Settings, backend presets, the default bot.toml and prompts.

This package imports nothing from the rest of the project.
"""

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
