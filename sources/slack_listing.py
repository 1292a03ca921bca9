"""Listing the threads of the channels the bot is a member of, channel by channel.

Slack lets a non-Marketplace app read conversations.history about once a minute, 15
messages at a time, so a full listing of a busy channel takes a while. Between full listings
(``full_every_h``) a channel is read only from ``lookback_days`` before the newest message
seen; threads older than that are listed from the cursor as they were. A thread deleted in
that recent part disappears at once, an older one at the next full listing.
"""

from __future__ import annotations

import time
from typing import Any

from sources import slack_cursor
from sources.model import AuthFailed, Entry, Listing, Malformed, SourceError
from sources.slack_calls import SlackCaller
from sources.slack_options import SlackOptions
from sources.slack_render import is_ts, title_of, ts_time

PAGE = 200  # Slack answers at most 15 to non-Marketplace apps; it says has_more
NOISE = {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
         "channel_archive", "channel_unarchive", "pinned_item", "bot_add", "bot_remove"}


class SlackLister:
    """One listing of every channel's threads; ``channels`` keeps what it learnt of each."""

    def __init__(self, caller: SlackCaller, options: SlackOptions, cursor: dict[str, str]) -> None:
        self.caller, self.options, self.cursor = caller, options, cursor
        self.channels: dict[str, dict[str, Any]] = {}
        self.listing = Listing(cursor={k: v for k, v in cursor.items()
                                       if k == slack_cursor.FULL_AT})

    def run(self) -> Listing:
        """Reads every channel, in full when one is due, else from its cursor. A channel the
        bot left is no longer listed, so its threads are removed."""
        now, full = time.time(), slack_cursor.full_due(self.cursor, self.options.full_every_h)
        self.channels = {c["id"]: c for c in self._member_channels()}
        for channel in self.channels.values():
            since = None if full else slack_cursor.oldest(self.cursor, channel["id"],
                                                          self.options.lookback_days)
            self._read_channel(channel, since)
        if full and self.listing.complete:
            self.listing.cursor[slack_cursor.FULL_AT] = f"{now:.0f}"
        return self.listing

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

    def _read_channel(self, channel: dict[str, Any], since: str | None) -> None:
        """Lists the channel's threads: fresh from its history after ``since`` (all of it when
        None), the older ones as the cursor remembers them."""
        cid = channel["id"]
        known = slack_cursor.known_threads(self.cursor, cid)
        fresh: dict[str, Entry] = {}
        newest = self.cursor.get(f"channel:{cid}", "")
        try:
            newest = self._read_history(channel, since, fresh, newest)
            kept = {ts: v for ts, v in known.items() if since and float(ts) <= float(since)}
        except AuthFailed:
            raise
        except SourceError as exc:  # keep the cursor: the unread part is read next time
            self.listing.complete = False
            self.listing.problems.append(f"#{channel.get('name', cid)} read in part: {exc}; "
                                         "the rest is read at the next sync")
            kept, newest = known, self.cursor.get(f"channel:{cid}", "")
        threads = kept | {ts: entry.version for ts, entry in fresh.items()}
        self.listing.entries += [fresh.get(ts) or _remembered(channel, ts, version)
                                 for ts, version in threads.items()]
        slack_cursor.remember(self.listing.cursor, cid, newest, threads)

    def _read_history(self, channel: dict[str, Any], since: str | None,
                      fresh: dict[str, Entry], newest: str) -> str:
        """Every history page after ``since`` into ``fresh``; the newest top-level ts seen."""
        token = ""
        while True:
            page = self._history_page(channel, since, token)
            newest = max([newest, *self._take(channel, page["messages"], fresh)], key=_ts_key)
            token = (page.get("response_metadata") or {}).get("next_cursor", "")
            if not token or not page.get("has_more", True):
                return newest

    def _history_page(self, channel: dict[str, Any], since: str | None,
                      token: str) -> dict[str, Any]:
        args: dict[str, Any] = {"channel": channel["id"], "limit": PAGE, "cursor": token}
        if since:
            args["oldest"] = since
        page = self.caller.call("conversations.history", f"of #{channel.get('name')}", **args)
        if not isinstance(page.get("messages"), list):
            raise Malformed(f"Slack sent an unreadable history page of #{channel.get('name')}")
        return page

    def _take(self, channel: dict[str, Any], messages: list[Any],
              fresh: dict[str, Entry]) -> list[str]:
        """Adds each thread among ``messages`` to ``fresh``; returns the top-level ts seen."""
        seen = []
        for message in messages:
            if not isinstance(message, dict) or not is_ts(message.get("ts")):
                raise Malformed(f"a message without a ts in #{channel.get('name')}")
            ts = str(message["ts"])
            if message.get("thread_ts", ts) != ts or message.get("subtype") in NOISE:
                continue  # a reply shown in the channel, or a join/topic notice
            seen.append(ts)
            if int(message.get("reply_count", 0)) >= self.options.min_replies:
                fresh[ts] = _entry(channel, message)
        return seen


def _entry(channel: dict[str, Any], message: dict[str, Any]) -> Entry:
    """The thread's entry; its version is its newest reply, or the parent's edit if later."""
    edited = (message.get("edited") or {}).get("ts", "")
    version = max([str(message.get("latest_reply") or message["ts"]), str(edited)], key=_ts_key)
    return Entry(key=f"{channel['id']}/{message['ts']}", version=version,
                 title=title_of(str(channel.get("name", channel["id"])), str(message.get("text"))),
                 modified=ts_time(version))


def _remembered(channel: dict[str, Any], ts: str, version: str) -> Entry:
    """An older thread as the cursor remembers it (not read this time)."""
    return Entry(key=f"{channel['id']}/{ts}", version=version, modified=ts_time(version))


def _ts_key(ts: str) -> float:
    return float(ts) if ts else 0.0
