"""The settings of a ``kind = "github"`` source."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sources.urls import http_url

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(@[^\s@]+)?$")
DEFAULT_PATHS = ["*.md", "*.mdx", "*.rst", "*.txt", "*.adoc", "*.pdf"]


@dataclass(frozen=True)
class RepoRef:
    """One configured repository: ``owner/name`` and the branch to read ("" = default)."""

    owner: str
    name: str
    branch: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class GitHubOptions(BaseModel):
    """``[sources.NAME]`` with ``kind = "github"``."""

    model_config = ConfigDict(extra="forbid")

    repos: list[str] = Field(min_length=1, description='"owner/name" or "owner/name@branch"')
    branch: str = Field("", description="branch for repos that name none; empty = default")
    paths: list[str] = Field(default_factory=lambda: list(DEFAULT_PATHS))
    exclude: list[str] = Field(default_factory=list)
    issues: bool = False
    discussions: bool = False
    token_env: str = "GITHUB_TOKEN"
    webhook_secret_env: str = Field(
        "GITHUB_WEBHOOK_SECRET", description="variable holding the push webhook's secret")
    base_url: str = "https://api.github.com"
    max_bytes: int = Field(10_000_000, gt=0)
    timeout_s: float = Field(30.0, gt=0)

    @field_validator("repos")
    @classmethod
    def _repos_are_owner_name(cls, repos: list[str]) -> list[str]:
        bad = [r for r in repos if not _REPO.match(r)]
        if bad:
            raise ValueError(
                f"repos: {bad[0]!r} is not a repository; write it as \"owner/name\" "
                'or "owner/name@branch", e.g. "acme/handbook"'
            )
        return repos

    @field_validator("base_url")
    @classmethod
    def _is_http(cls, url: str) -> str:
        return http_url("base_url", url, "https://github.acme.com/api/v3")

    def repo_refs(self) -> list[RepoRef]:
        """The configured repositories with their branches resolved from the options."""
        refs = []
        for text in self.repos:
            full, _, branch = text.partition("@")
            owner, name = full.split("/", 1)
            refs.append(RepoRef(owner, name, branch or self.branch))
        return refs
