"""The settings of a ``kind = "notion"`` source."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources.urls import http_url


class NotionOptions(BaseModel):
    """``[sources.NAME]`` with ``kind = "notion"``: every page shared with the integration
    whose token is in ``token_env`` (rows of shared databases included unless ``databases``
    is false)."""

    model_config = ConfigDict(extra="forbid")

    token_env: str = "NOTION_TOKEN"
    databases: bool = True
    workspace: str = Field("", description="recorded as the readers; default: the token's")
    base_url: str = "https://api.notion.com"
    page_size: int = Field(100, ge=1, le=100)
    max_bytes: int = Field(5_000_000, gt=0)
    timeout_s: float = Field(30.0, gt=0)

    @field_validator("base_url")
    @classmethod
    def _is_http(cls, url: str) -> str:
        return http_url("base_url", url, "https://api.notion.com")
