"""``[spaces.NAME]``: a group of places the bot answers in, with settings of their own.

A space lists its members — Slack channels, Gradio logins, API keys, the terminal — and
may pick its own knowledge-base collection, profile for the ``primary`` role, prompts and
budget. Members of a space share its budget. See docs/operations.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from config.budgets import Limits

SURFACES = ("slack", "gradio", "api", "terminal", "mcp")
BARE = ("terminal", "gradio")  # "gradio" alone: the page when it has no sign-in
MEMBER_FIX = ('Fix: write "slack:<channel id>", "gradio:<login>", "api:<key name>", '
              '"mcp:<client>" or "terminal"')
NAME = re.compile(r"[A-Za-z0-9_-]+")


def shipped_prompt_names() -> list[str]:
    folder = Path(__file__).parent / "prompts" / "default"
    return sorted(p.stem for p in folder.glob("*.txt"))


def check_member(member: str) -> str:
    surface, _, ident = member.strip().partition(":")
    if surface not in SURFACES or (surface not in BARE and not ident.strip()):
        raise ValueError(f"{member!r} names no place the bot answers in. {MEMBER_FIX}")
    return f"{surface}:{ident.strip()}" if ident.strip() else surface


class SpaceSettings(BaseModel):
    """One space: who is in it and what it overrides (unset fields follow the top level)."""

    model_config = {"extra": "forbid"}

    members: list[str] = Field(min_length=1, description='e.g. ["slack:C0123ABCD", '
                               '"gradio:alice", "api:support-bot", "terminal"]')
    collection: str | None = Field(None, description="knowledge-base collection searched")
    primary: str | None = Field(None, description="profile for the primary role")
    prompts: dict[str, str] = Field(
        default_factory=dict, description="prompt name -> text, e.g. system = \"You are …\"")
    budget: Limits | None = Field(None, description="replaces [budgets.space] for this space")

    @field_validator("members")
    @classmethod
    def _members_are_places(cls, members: list[str]) -> list[str]:
        return [check_member(m) for m in members]

    @field_validator("prompts")
    @classmethod
    def _known_prompts(cls, prompts: dict[str, str]) -> dict[str, str]:
        known = shipped_prompt_names()
        for name in prompts:
            if name not in known:
                raise ValueError(f"no prompt named {name!r}. Fix: use one of "
                                 f"{', '.join(known)} (system is the tools agent's)")
        return prompts


def check_spaces(spaces: dict[str, SpaceSettings], profiles: list[str]) -> None:
    """Names that can key a budget, profiles that exist, and each member in one space."""
    owner: dict[str, str] = {}
    for name, space in spaces.items():
        if not NAME.fullmatch(name):
            raise ValueError(f"spaces.{name}: a space name may hold only letters, digits, "
                             "'-' and '_'. Fix: rename the [spaces.…] table")
        if space.primary is not None and space.primary not in profiles:
            raise ValueError(f"spaces.{name}.primary = {space.primary!r} names no profile. "
                             f"Fix: use one of {', '.join(sorted(profiles))}")
        for member in space.members:
            if member in owner:
                raise ValueError(f"{member!r} is in both spaces.{owner[member]} and "
                                 f"spaces.{name}. Fix: list it in one space only")
            owner[member] = name
