"""The read side of the fake Slack: channels, their history and threads, permalinks.

users.conversations, conversations.history/.replies/.info and chat.getPermalink as Slack's
reference describes them: newest-first history with ``has_more`` and
``response_metadata.next_cursor``; replies oldest-first with the parent repeated on every
page; at most ``page_cap`` messages a page (15, as for non-Marketplace apps).
"""

from __future__ import annotations

import base64
import itertools
import math
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Said:
    """A message a person posted, for the bot to read back."""

    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None = None
    edited: str | None = None  # the ts of the last edit


class SlackHistory:
    """Mixed into FakeSlack: seed with :meth:`add_channel` and :meth:`say`."""


    def _init_history(self) -> None:
        self.channels: dict[str, dict[str, Any]] = {}
        self.said: list[Said] = []
        self.page_cap = 15
        self.people: dict[str, str] = {}  # user id -> display name, for users.info
        self.emails: dict[str, str] = {}  # user id -> e-mail (profile.email, users:read.email)
        self.usergroups: dict[str, list[str]] = {}  # handle -> member ids, for usergroups.list
        self.members: dict[str, list[str]] = {}  # channel id -> member ids (conversations.members)
        self._said_ts = itertools.count(1)
        self._throttles: dict[str, int] = {}
        self._windows: dict[str, float] = {}

    def add_channel(self, channel_id: str, name: str, private: bool = False,
                    member: bool = True) -> None:
        self.channels[channel_id] = {"id": channel_id, "name": name, "is_channel": not private,
                                     "is_group": private, "is_private": private,
                                     "is_archived": False, "is_member": member}

    def say(self, channel: str, text: str, user: str = "U0ANA",
            thread_ts: str | None = None) -> str:
        """Posts ``text`` as ``user`` (a reply when ``thread_ts``); returns its ts."""
        n = next(self._said_ts)
        ts = f"{1710000000 + n * 60}.{n:06d}"
        self.said.append(Said(channel, ts, user, text, thread_ts))
        return ts

    def edit(self, ts: str, text: str) -> None:
        said = next(s for s in self.said if s.ts == ts)
        n = next(self._said_ts)
        said.text, said.edited = text, f"{1710000000 + n * 60}.{n:06d}"

    def unsay(self, ts: str) -> None:
        self.said = [s for s in self.said if s.ts != ts and s.thread_ts != ts]

    def throttle(self, method: str, seconds: int) -> None:
        """The next call of ``method`` opens a window of ``seconds`` in which every call gets
        429 with the Retry-After left, as Slack's per-method limits do."""
        self._throttles[method] = seconds

    def _window(self, method: str) -> int | None:
        """Retry-After for a call of ``method`` now, or None when it may go through."""
        now = time.monotonic()
        if method in self._throttles:
            seconds = self._throttles.pop(method)
            self._windows[method] = now + seconds
            return seconds
        left = self._windows.get(method, 0.0) - now
        return max(1, math.ceil(left)) if left > 0 else None

    def _page(self, items: list[Any], args: dict[str, Any], key: str) -> dict[str, Any]:
        start = int(base64.b64decode(args["cursor"]).decode().split(":")[1]) if args.get(
            "cursor") else 0
        size = min(int(args.get("limit") or 100), self.page_cap)
        more = start + size < len(items)
        next_cursor = base64.b64encode(f"next:{start + size}".encode()).decode() if more else ""
        return {"ok": True, key: items[start:start + size], "has_more": more,
                "response_metadata": {"next_cursor": next_cursor}}

    def _m_users_conversations(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._page([c for c in self.channels.values() if c["is_member"]], args, "channels")

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        return {"ok": True, "channel": channel} if channel else {
            "ok": False, "error": "channel_not_found"}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None or not channel["is_member"]:
            return {"ok": False, "error": "channel_not_found" if channel is None
                    else "not_in_channel"}
        oldest = float(args.get("oldest") or 0)
        top = [s for s in self.said if s.channel == channel["id"] and s.thread_ts is None
               and float(s.ts) > oldest]
        return self._page([self._shown(s) for s in reversed(top)], args, "messages")

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        ts, channel = str(args.get("ts")), str(args.get("channel"))
        parent = next((s for s in self.said if s.ts == ts and s.channel == channel), None)
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        replies = [self._shown(s) for s in self.said if s.thread_ts == ts]
        page = self._page(replies, args, "messages")
        page["messages"] = [self._shown(parent), *page["messages"]]  # Slack repeats the parent
        return page

    def _m_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return self._page(list(self.members.get(channel["id"], [])), args, "members")

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user"))
        if user not in self.people:
            return {"ok": False, "error": "user_not_found"}
        profile = {"display_name": self.people[user], "real_name": self.people[user]}
        if user in self.emails:
            profile["email"] = self.emails[user]
        return {"ok": True, "user": {"id": user, "name": user.lower(), "real_name": "",
                                     "profile": profile}}

    def _m_usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        with_users = str(args.get("include_users", "")).lower() in ("1", "true")
        groups = [{"id": f"S{i:04d}", "handle": handle, "name": handle,
                   **({"users": members} if with_users else {})}
                  for i, (handle, members) in enumerate(self.usergroups.items())]
        return {"ok": True, "usergroups": groups}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("message_ts"))
        return {"ok": True, "channel": channel,
                "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"}

    def _shown(self, said: Said) -> dict[str, Any]:
        """A message as the Web API shows it; a parent carries its thread's summary."""
        body: dict[str, Any] = {"type": "message", "user": said.user, "text": said.text,
                                "ts": said.ts}
        replies = [s for s in self.said if s.thread_ts == said.ts]
        if said.edited:
            body["edited"] = {"user": said.user, "ts": said.edited}
        if said.thread_ts:
            body["thread_ts"] = said.thread_ts
        elif replies:
            body |= {"thread_ts": said.ts, "reply_count": len(replies),
                     "latest_reply": replies[-1].ts,
                     "reply_users": sorted({s.user for s in replies})}
        return body
