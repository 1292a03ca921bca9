"""How the Slack bot behaves in each channel: ``[slack.channels."<id or #name>"]``.

A channel's table names only what differs from ``[slack.channels.default]``, which in turn
starts from the built-in defaults (answer mentions, publicly, never hand off). Collection,
profile, prompts and budget of a channel stay in ``[spaces]``.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, ValidationError, field_validator

Respond = Literal["mention", "questions", "all", "off"]
Trigger = Literal["thumbs_down", "no_answer", "sos"]
TRIGGERS: tuple[Trigger, ...] = get_args(Trigger)
DEFAULT_KEY = "default"
# A channel id (C…/G…) or a #name, as Slack spells them.
CHANNEL_KEY = re.compile(r"(default|[CG][A-Z0-9]{2,}|#[a-z0-9][a-z0-9_-]{0,79})")
# A person (U…/W…) or a user group (S…), the ids Slack tags with <@U…> / <!subteam^S…>.
TAGGABLE = re.compile(r"[UWS][A-Z0-9]{2,}")


class ChannelPolicy(BaseModel):
    """What the bot does in one channel."""

    model_config = {"extra": "forbid"}

    respond: Respond = Field("mention", description="mention: only when @mentioned (and in "
                             "threads it answered); questions: also any new message that "
                             "reads as a question; all: every new message; off: never")
    only_when_sourced: bool = Field(False, description="no supported passage: no answer, or "
                                    "a short note plus the hand-off")
    ephemeral_default: bool = Field(False, description="answer privately, with Share in "
                                    "channel / Keep private buttons")
    escalate_to: list[str] = Field(default_factory=list, description="people (U…) or user "
                                   "groups (S…) tagged when the bot cannot help")
    escalate_on: list[Trigger] = Field(default_factory=lambda: list(TRIGGERS))
    supersede: bool = Field(True, description="a newer message from the same person in the "
                            "thread stops the answer in progress")

    @field_validator("escalate_to")
    @classmethod
    def _taggable(cls, ids: list[str]) -> list[str]:
        for item in ids:
            if not TAGGABLE.fullmatch(item):
                raise ValueError(
                    f"escalate_to entry {item!r} is not a Slack user id (U…) or user group id "
                    "(S…). Fix: copy the id from the person's profile (⋮ → Copy member ID) or "
                    "the group's page; names and @handles change, ids do not")
        return ids


def check_keys(channels: dict[str, Any]) -> dict[str, Any]:
    """Reject table names that are neither ``default``, a channel id nor a ``#name``."""
    for key in channels:
        if not CHANNEL_KEY.fullmatch(key):
            raise ValueError(
                f'slack.channels."{key}" names no channel. Fix: use the channel id (C…, from '
                'the channel\'s details), "#name" in lower case, or "default"')
    return channels


def validate_channels(channels: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Check every table now, so a typo stops the bot at start, naming the channel."""
    check_keys(channels)
    for key in channels:
        try:
            merged(channels, key)
        except ValidationError as exc:
            problems = "; ".join(f'slack.channels."{key}".{".".join(map(str, e["loc"]))}: '
                                 f'{e["msg"].removeprefix("Value error, ")}'
                                 for e in exc.errors())
            raise ValueError(problems) from None
    return channels


def merged(channels: dict[str, dict[str, Any]], key: str) -> ChannelPolicy:
    """The policy of ``key``: the built-in defaults, then ``default``, then the channel's own."""
    values = dict(channels.get(DEFAULT_KEY, {}))
    values.update(channels.get(key, {}) if key != DEFAULT_KEY else {})
    return ChannelPolicy(**values)


def policy_for(channels: dict[str, dict[str, Any]], channel_id: str,
               name: str | None = None) -> ChannelPolicy:
    """The policy for a channel, found by id first, then by ``#name``, else the default."""
    if channel_id in channels:
        return merged(channels, channel_id)
    if name and f"#{name}" in channels:
        return merged(channels, f"#{name}")
    return merged(channels, DEFAULT_KEY)


def needs_names(channels: dict[str, Any]) -> bool:
    """Whether any table is keyed by ``#name`` (so channel names must be looked up)."""
    return any(key.startswith("#") for key in channels)
