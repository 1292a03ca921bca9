"""The current date and time, in any IANA time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from contracts.run_context import ToolRunContext
from contracts.tools import ToolError, ToolOutput


class ClockArgs(BaseModel):
    timezone: str = Field("UTC", description="IANA time zone, e.g. Europe/Paris")


class CurrentTime:
    name = "clock"
    description = "Get the current date, time and weekday in a time zone."
    Args = ClockArgs

    async def run(self, args: ClockArgs, ctx: ToolRunContext) -> ToolOutput:
        try:
            zone = ZoneInfo(args.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ToolError(f"unknown time zone {args.timezone!r}; use e.g. 'UTC'") from exc
        now = datetime.now(zone)
        return ToolOutput(content=now.strftime(f"%A %Y-%m-%d %H:%M:%S ({args.timezone})"))
