"""``[approvals]``: tool calls that wait for a person's yes or no (see docs/mcp.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ApprovalSettings(BaseModel):
    model_config = {"extra": "forbid"}

    default: Literal["deny", "allow"] = Field(
        "deny", description="the answer where no person can be asked (API, MCP server mode, "
        "piped input)")
    timeout_s: float = Field(
        120.0, gt=0, description="how long a turn waits for an answer; then the call is denied")
