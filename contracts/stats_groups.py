"""How ``bot stats`` may group its rows: a module of its own so the CLI can offer the
choices without importing the report's pydantic models (``bot --help`` stays fast)."""

from __future__ import annotations

from typing import Literal

StatsGroup = Literal["user", "channel", "presenter", "model", "day"]
STATS_GROUPS: tuple[StatsGroup, ...] = ("user", "channel", "presenter", "model", "day")
