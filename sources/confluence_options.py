"""The settings of a ``kind = "confluence"`` source (Cloud or Data Center)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources.urls import http_url


class ConfluenceOptions(BaseModel):
    """``[sources.NAME]`` with ``kind = "confluence"``.

    Cloud signs in with the account's e-mail (``user``, or the variable ``user_env``) and an
    API token (``token_env``); Data Center with a personal access token (``token_env``).
    """

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="https://acme.atlassian.net/wiki or your DC's URL")
    deployment: Literal["auto", "cloud", "datacenter"] = "auto"
    spaces: list[str] = Field(min_length=1, description="space keys, e.g. ENG")
    user: str = ""
    user_env: str = "CONFLUENCE_USER"
    token_env: str = "CONFLUENCE_TOKEN"
    attachments: bool = True
    page_size: int = Field(50, ge=1, le=250)
    max_bytes: int = Field(20_000_000, gt=0)
    timeout_s: float = Field(30.0, gt=0)

    @field_validator("base_url")
    @classmethod
    def _is_http(cls, url: str) -> str:
        return http_url("base_url", url, "https://acme.atlassian.net/wiki")

    @property
    def cloud(self) -> bool:
        """True for Atlassian Cloud (``*.atlassian.net`` unless ``deployment`` says)."""
        if self.deployment != "auto":
            return self.deployment == "cloud"
        return (urlparse(self.base_url).hostname or "").endswith(".atlassian.net")
