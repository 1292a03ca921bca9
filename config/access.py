"""``[access]``: who may read what (docs/access.md).

Off when nothing configured can be private, so a bot that reads a folder behaves as before.
When on, every search is filtered by the asker's grants: their own id, the groups named here,
the groups their presenter reports or the sources list them in, and ``"public"``. Left unset
with a source that can hold private documents, the config is refused until someone chooses
(:func:`settle_enabled`): nobody's private pages become everyone's answers by default.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from pydantic import BaseModel, Field, field_validator

from config.sources import MIN_ACCESS_INTERVAL_S, SourceSettings, interval_s

PRINCIPAL = re.compile(
    r"(public|nobody|user:.+|group:.+|slack-channel:.+|slack-workspace:.+|github-repo:.+/.+|"
    r"github-team:.+/.+|confluence-space:.+|confluence-group:.+|domain:.+\..+|"
    r"notion-workspace:.+|service:.+)"
)
USER = re.compile(r"user:[^\s:]\S*")  # a person's id as a source records it
EXAMPLE = 'e.g. "user:alice@example.com", "group:eng", "slack-channel:C0123"'


def check_principal(value: str, where: str) -> str:
    """``value`` if it is a reader string, else a ValueError naming ``where`` and the fix."""
    if not PRINCIPAL.fullmatch(value):
        raise ValueError(f"{where}: {value!r} is not a reader. Fix: write it as {EXAMPLE}")
    return value


def check_aliases(aliases: dict[str, list[str]]) -> dict[str, list[str]]:
    """``aliases`` if every id is a ``user:`` reader listed under one person only, else a
    ValueError with the fix (an id under two people would merge them both ways)."""
    owner: dict[str, str] = {}
    for person, ids in aliases.items():
        for ident in (person, *ids):
            _check_user(ident, f"access.aliases.{person}")
            if owner.setdefault(ident, person) != person:
                raise ValueError(
                    f"access.aliases: {ident!r} is listed under both {owner[ident]!r} and "
                    f"{person!r}. Fix: list each id under one person only")
    return aliases


def _check_user(value: str, where: str) -> None:
    if not USER.fullmatch(value):
        service, _, ident = value.partition(":")
        fix = f"user:{ident}" if ident and service != "user" else "user:alice-gh"
        raise ValueError(f"{where}: {value!r} is not a user id. Fix: write it as the sources "
                         f"record their readers, e.g. {fix!r} for a GitHub login or a "
                         "Confluence account id")


class KeyAccess(BaseModel):
    """What an API key or MCP token (by its configured name) asks as."""

    model_config = {"extra": "forbid"}

    principal: str = Field(description='the service identity, e.g. "service:wiki-bot"')
    trusted_to_name_user: bool = Field(
        False, description="the request's `user` field names the end user, who is asked as")

    @field_validator("principal")
    @classmethod
    def _principal(cls, value: str) -> str:
        return check_principal(value, "access.keys.<name>.principal")


class AccessSettings(BaseModel):
    """Permissions on knowledge-base passages."""

    model_config = {"extra": "forbid"}

    enabled: bool | None = Field(
        None, description="filter every search by the asker's grants; unset: on when a folder "
        "or web source names readers, and a choice to make when a hosted source is configured")
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description='[access.groups] eng = ["user:alice@example.com"]')
    aliases: dict[str, list[str]] = Field(
        default_factory=dict, description='one person under every id: [access.aliases] '
        '"user:alice@example.com" = ["user:alice-gh", "user:5b10ac8d82e05b22cc7d4ef5"] (the '
        "GitHub login, the Confluence account id, as the sources record their readers)")
    keys: dict[str, KeyAccess] = Field(
        default_factory=dict, description="API key / MCP token name -> principal")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="addresses (or CIDR) of the SSO proxy")
    email_header: str = Field("X-Forwarded-Email", description="the proxy's e-mail header")
    access_schedule: str = Field(
        "every 5m", description='how often permissions are re-read: "every 5m" (s, m, h, d; '
        '1 s at least) or cron syntax')

    @field_validator("access_schedule")
    @classmethod
    def _access_schedule(cls, value: str) -> str:
        try:
            interval_s(value, MIN_ACCESS_INTERVAL_S)
        except ValueError as exc:
            raise ValueError(f"access.access_schedule: {exc}") from None
        return value.strip()

    @field_validator("groups")
    @classmethod
    def _groups(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, members in value.items():
            for member in members:
                check_principal(member, f"access.groups.{name}")
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return check_aliases(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"access.trusted_proxies: {item!r} is not an address. "
                                 'Fix: "10.0.0.5" or "10.0.0.0/24"') from exc
        return value


HOSTED_KINDS = ("github", "confluence", "notion", "gdrive", "slack")  # can hold private pages


def settle_enabled(access: AccessSettings, sources: Mapping[str, SourceSettings]) -> None:
    """Decide an unset ``access.enabled``: on when a source names its readers, off when no
    source can be private; a hosted source without a choice is a config error with the fix."""
    if access.enabled is not None:
        return
    hosted = [name for name, s in sources.items() if s.enabled and s.kind in HOSTED_KINDS]
    if hosted:
        raise ValueError(
            f"access.enabled: sources.{hosted[0]} ({sources[hosted[0]].kind}) can hold private "
            "documents and [access] does not say who may read them. Fix: set [access] "
            "enabled = true to filter every answer by who asks (docs/access.md), or "
            "enabled = false to let everyone who can talk to the bot read all of it")
    access.enabled = any(set(s.options().get("readers") or ["public"]) - {"public"}
                         for s in sources.values() if s.enabled)
