"""Who may read a Slack source's threads, re-read for a permission pass: each channel's
kind (conversations.info) and members (conversations.members), the members as reader
strings (``user:<Slack id>`` and, with ``users:read.email``, ``user:<e-mail>``).
"""

from __future__ import annotations

from typing import Any

from sources.model import Malformed, Permissions, Readers
from sources.slack_calls import SlackCaller
from sources.slack_render import channel_readers

PAGE = 200


def channel_members(caller: SlackCaller, channel_id: str) -> list[str]:
    """The Slack user ids of every member of ``channel_id`` (all pages)."""
    members: list[str] = []
    token = ""
    while True:
        page = caller.call(
            "conversations.members",
            f"of {channel_id}",
            channel=channel_id,
            limit=PAGE,
            cursor=token,
        )
        batch = page.get("members")
        if not isinstance(batch, list):
            raise Malformed(f"Slack sent an unreadable member list of {channel_id}")
        members += [str(m) for m in batch]
        token = (page.get("response_metadata") or {}).get("next_cursor", "")
        if not token:
            return members


class MemberIds:
    """A member's reader strings, ``users.info`` asked once per person per pass."""

    def __init__(self, caller: SlackCaller) -> None:
        self.caller = caller
        self._ids: dict[str, tuple[str, ...]] = {}

    def of(self, user_id: str) -> tuple[str, ...]:
        if user_id not in self._ids:
            self._ids[user_id] = (f"user:{user_id}", *self._email(user_id))
        return self._ids[user_id]

    def _email(self, user_id: str) -> tuple[str, ...]:
        try:
            user = self.caller.call("users.info", f"of {user_id}", user=user_id).get("user")
        except Malformed:  # user_not_found: the id alone
            return ()
        email = ((user or {}).get("profile") or {}).get("email")
        return (f"user:{str(email).lower()}",) if email else ()


def read_channels(caller: SlackCaller, keys: list[str], team: str) -> Permissions:
    """Readers of every thread in ``keys`` (``<channel>/<ts>``) and each channel's members;
    a channel Slack no longer shows us is readable by nobody (and reported)."""
    read = Permissions()
    ids = MemberIds(caller)
    for channel_id in sorted({k.partition("/")[0] for k in keys}):
        try:
            readers, members = _channel(caller, channel_id, team, ids)
        except Malformed as exc:
            read.problems.append(f"{exc}: its threads are readable by nobody for now")
            readers, members = Readers(why=str(exc)), ()
        read.readers |= {k: readers for k in keys if k.partition("/")[0] == channel_id}
        read.groups[f"slack-channel:{channel_id}"] = members
    if team:  # everyone seen in a channel is in the workspace
        read.groups[f"slack-workspace:{team}"] = tuple(
            dict.fromkeys(m for members in read.groups.values() for m in members)
        )
    return read


def _channel(
    caller: SlackCaller, channel_id: str, team: str, ids: MemberIds
) -> tuple[Readers, tuple[str, ...]]:
    info: Any = caller.call("conversations.info", f"of {channel_id}", channel=channel_id)
    if not isinstance(info.get("channel"), dict):
        raise Malformed(f"Slack sent unreadable channel info for {channel_id}")
    members = [i for user in channel_members(caller, channel_id) for i in ids.of(user)]
    return channel_readers(info["channel"], team), tuple(members)
