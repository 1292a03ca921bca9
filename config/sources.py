"""``[sources.NAME]``: where the knowledge base's documents come from, and how often.

Only what every source shares is checked here (``kind``, ``schedule``, ``enabled``,
``collection``); the kind's own options ride along as extra fields and are validated by
its connector's ``Options`` model when the source is built or ``bot config check`` runs
(config imports nothing from the rest of the bot).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

EVERY = re.compile(r"^every\s+(\d+)\s*(s|m|h|d)$")
UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL_S = 30  # a source synced more often than this only hammers the service
MIN_ACCESS_INTERVAL_S = 1  # a permission pass asks little of the service: tests, benchmarks


class SourceSettings(BaseModel):
    """One configured source; the kind's options are the extra fields."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(description="folder, web, github, confluence, notion, gdrive or slack")
    schedule: str | None = Field(
        None, description='"every 15m" (s, m, h, d) or cron syntax ("0 * * * *"); none: manual')
    enabled: bool = True
    collection: str | None = Field(None, description="the collection it feeds (kb.collection)")
    workers: int = Field(4, ge=1, le=16, description="documents fetched at once")
    max_document_mb: float = Field(20.0, gt=0, description="larger documents are skipped")

    @field_validator("schedule")
    @classmethod
    def _schedule_parses(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        interval_s(value)  # raises with the fix
        return value.strip()

    def options(self) -> dict[str, Any]:
        """The kind's own options (every field that is not shared by all sources)."""
        return dict(self.model_extra or {})


def interval_s(schedule: str, minimum_s: int = MIN_INTERVAL_S) -> float | None:
    """Seconds between runs for ``every N<unit>``; None for a cron expression (checked)."""
    match = EVERY.match(schedule.strip().lower())
    if match:
        seconds = int(match[1]) * UNIT_S[match[2]]
        if seconds < minimum_s:
            raise ValueError(f"schedule {schedule!r} is too frequent. "
                             f"Fix: at least every {minimum_s}s")
        return float(seconds)
    try:
        from croniter import croniter
    except ImportError:  # pragma: no cover - croniter is in the sources extra
        raise ValueError("cron schedules need croniter. Fix: pip install 'bot[sources]'") from None
    if not croniter.is_valid(schedule.strip()):
        raise ValueError(f"schedule {schedule!r} is neither 'every 15m' nor cron syntax. "
                         "Fix: e.g. schedule = \"every 15m\" or \"*/15 * * * *\"")
    return None
