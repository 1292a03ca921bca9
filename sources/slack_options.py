"""The settings of a ``kind = "slack"`` source."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SlackOptions(BaseModel):
    """The settings of a ``kind = "slack"`` source."""

    model_config = {"extra": "forbid"}

    token_env: str = Field("SLACK_BOT_TOKEN", description="variable holding the bot token")
    base_url: str = "https://slack.com/api/"
    channels: list[str] = Field(default_factory=list,
                                description="channel ids or names; empty: every member channel")
    types: str = "public_channel,private_channel"
    min_replies: int = Field(1, ge=0, description="0 also takes messages nobody answered")
    lookback_days: float = Field(7.0, ge=0, description="how far back new replies are looked for")
    full_every_h: float = Field(24.0, gt=0, description="hours between full listings")
    max_wait_s: float = Field(600.0, ge=0, description="seconds to wait out 429s per call chain")
    timeout_s: float = Field(30.0, gt=0)
    resolve_names: bool = Field(True, description="authors' names via users.info (users:read)")
