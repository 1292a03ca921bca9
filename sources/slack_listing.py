"""Listing the threads of the channels the bot is a member of, channel by channel.

Slack lets a non-Marketplace app read conversations.history about once a minute, 15
messages at a time, so a full listing of a busy channel takes a while. The cursor keeps the
newest top-level ``ts`` seen per channel: between full listings (``full_every_h``) a channel
is read only from ``lookback_days`` before that ts, which catches new threads and new replies
to recent ones. Such a listing is not complete (it cannot show what was deleted), so it
never deletes; the periodic full listing does.
"""

from __future__ import annotations

import time
from typing import Any

from sources.model import AuthFailed, Entry, Listing, Malformed, SourceError
from sources.slack_calls import SlackCaller
from sources.slack_options import SlackOptions
from sources.slack_render import title_of, ts_time

PAGE = 200  # Slack answers at most 15 to non-Marketplace apps; it says has_more
FULL_AT = "full_at"
NOISE = {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
         "channel_archive", "channel_unarchive", "pinned_item", "bot_add", "bot_remove"}


class SlackLister:
    """One listing of every channel's threads; ``channels`` keeps what it learnt of each."""

    def __init__(self, caller: SlackCaller, options: SlackOptions, cursor: dict[str, str]) -> None:
        self.caller, self.options, self.cursor = caller, options, cursor
        self.channels: dict[str, dict[str, Any]] = {}
        self.listing = Listing(cursor={k: v for k, v in cursor.items() if k == FULL_AT})

    def run(self) -> Listing:
        """Reads every channel, in full when one is due, else from its cursor."""
        now, full = time.time(), self._full_due()
        self.channels = {c["id"]: c for c in self._member_channels()}
        every_full = True
        for channel in self.channels.values():
            oldest = None if full else self._oldest(channel["id"])
            every_full &= oldest is None
            self._read_channel(channel, oldest)
        self.listing.complete &= every_full
        if self.listing.complete:
            self.listing.cursor[FULL_AT] = f"{now:.0f}"
        return self.listing

    def _full_due(self) -> bool:
        last = float(self.cursor.get(FULL_AT, "0") or 0)
        return time.time() - last >= self.options.full_every_h * 3600

    def _oldest(self, channel_id: str) -> str | None:
        seen = self.cursor.get(f"channel:{channel_id}")
        return f"{float(seen) - self.options.lookback_days * 86400:.6f}" if seen else None

    def _member_channels(self) -> list[dict[str, Any]]:
        """The channels the bot is a member of (users.conversations), as configured."""
        wanted, found, token = set(self.options.channels), [], ""
        while True:
            page = self.caller.call("users.conversations", "listing the bot's channels",
                                    types=self.options.types, exclude_archived=True,
                                    limit=PAGE, cursor=token)
            channels = page.get("channels")
            if not isinstance(channels, list):
                raise Malformed("Slack sent an unreadable users.conversations page")
            found += [c for c in channels if isinstance(c, dict) and "id" in c and (
                not wanted or c["id"] in wanted or c.get("name") in wanted)]
            token = (page.get("response_metadata") or {}).get("next_cursor", "")
            if not token:
                return found

    def _read_channel(self, channel: dict[str, Any], oldest: str | None) -> None:
        newest, token = self.cursor.get(f"channel:{channel['id']}", ""), ""
        try:
            while True:
                page = self._history_page(channel, oldest, token)
                newest = max([newest, *self._take(channel, page["messages"])], key=_ts_key)
                token = (page.get("response_metadata") or {}).get("next_cursor", "")
                if not token or not page.get("has_more", True):
                    break
        except AuthFailed:
            raise
        except SourceError as exc:  # keep the old cursor: the unread part is read next time
            self.listing.complete = False
            self.listing.problems.append(f"#{channel.get('name', channel['id'])} read in part: "
                                         f"{exc}; the rest is read at the next sync")
            newest = self.cursor.get(f"channel:{channel['id']}", "")
        if newest:
            self.listing.cursor[f"channel:{channel['id']}"] = newest

    def _history_page(self, channel: dict[str, Any], oldest: str | None,
                      token: str) -> dict[str, Any]:
        args: dict[str, Any] = {"channel": channel["id"], "limit": PAGE, "cursor": token}
        if oldest:
            args["oldest"] = oldest
        page = self.caller.call("conversations.history", f"of #{channel.get('name')}", **args)
        if not isinstance(page.get("messages"), list):
            raise Malformed(f"Slack sent an unreadable history page of #{channel.get('name')}")
        return page

    def _take(self, channel: dict[str, Any], messages: list[Any]) -> list[str]:
        """Adds each thread among ``messages`` to the listing; returns the top-level ts seen."""
        seen = []
        for message in messages:
            if not isinstance(message, dict) or "ts" not in message:
                raise Malformed(f"a message without a ts in #{channel.get('name')}")
            ts = str(message["ts"])
            if message.get("thread_ts", ts) != ts or message.get("subtype") in NOISE:
                continue  # a reply shown in the channel, or a join/topic notice
            seen.append(ts)
            if int(message.get("reply_count", 0)) >= self.options.min_replies:
                self.listing.entries.append(_entry(channel, message))
        return seen


def _entry(channel: dict[str, Any], message: dict[str, Any]) -> Entry:
    """The thread's entry; its version is its newest reply, or the parent's edit if later."""
    edited = (message.get("edited") or {}).get("ts", "")
    version = max([str(message.get("latest_reply") or message["ts"]), str(edited)], key=_ts_key)
    return Entry(key=f"{channel['id']}/{message['ts']}", version=version,
                 title=title_of(str(channel.get("name", channel["id"])), str(message.get("text"))),
                 modified=ts_time(version))


def _ts_key(ts: str) -> float:
    return float(ts) if ts else 0.0
