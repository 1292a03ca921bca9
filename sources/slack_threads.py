"""Slack as a source: the threads of the channels the bot is a member of, one document each.

A thread's version is its newest reply's ``ts``; its URL is the parent message's permalink;
its readers are the channel (``slack-channel:<id>``), and a public channel is also marked as
visible to the whole workspace (``slack-workspace:<team id>``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel

from sources.model import Entry, Listing, Malformed, Permissions, SourceDocument
from sources.retry_after import WaitBudget
from sources.slack_calls import SERIAL, SlackCaller, build_client
from sources.slack_listing import PAGE, SlackLister
from sources.slack_members import read_channels
from sources.slack_names import SlackNames
from sources.slack_options import SlackOptions
from sources.slack_render import channel_readers, is_ts, thread_markdown, title_of, ts_time


class SlackThreadsConnector:
    """Lists threads by channel history and fetches each with conversations.replies."""

    kind: ClassVar[str] = "slack"
    Options: ClassVar[type[BaseModel]] = SlackOptions

    def __init__(self, name: str, options: SlackOptions) -> None:
        self.name, self.options = name, options
        self._client: Any = None
        self._channels: dict[str, dict[str, Any]] = {}
        self._team = ""
        self._names: SlackNames | None = None
        self._gates = {method: threading.Lock() for method in SERIAL}

    def _caller(self) -> SlackCaller:
        if self._client is None:  # built on first use: building reads the token
            self._client = build_client(self.options)
        return SlackCaller(self._client, self.options, WaitBudget(self.options.max_wait_s),
                           self._gates)

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        """The threads of every member channel (in full when one is due; see slack_listing)."""
        lister = SlackLister(self._caller(), self.options, cursor)
        listing = lister.run()
        self._channels |= lister.channels
        return listing

    def fetch(self, entry: Entry) -> SourceDocument:
        """The whole thread as Markdown, with its permalink and the channel as readers."""
        channel_id, _, thread_ts = entry.key.partition("/")
        caller = self._caller()
        messages = self._replies(caller, channel_id, thread_ts)
        channel = self._channel(caller, channel_id)
        newest = max((str(m["ts"]) for m in messages), key=float)
        title = title_of(str(channel.get("name", channel_id)), str(messages[0].get("text", "")))
        return SourceDocument(
            entry=entry, title=title, url=self._permalink(caller, channel_id, thread_ts),
            modified=ts_time(newest), readers=channel_readers(channel, self._team_id(caller)),
            body=thread_markdown(title, messages, self._namer()).encode(),
            media_type="text/markdown")

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Each channel's kind and members (no message is read)."""
        caller = self._caller()
        return read_channels(caller, keys, self._team_id(caller))

    def _namer(self) -> Callable[[str], str]:
        if not self.options.resolve_names:
            return lambda user: f"<@{user}>"
        if self._names is None:
            self._names = SlackNames(lambda user: self._caller().call(
                "users.info", f"of {user}", user=user))
        return self._names.name

    def _replies(self, caller: SlackCaller, channel: str, ts: str) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        token = ""
        while True:
            page = caller.call("conversations.replies", f"of thread {channel}/{ts}",
                               channel=channel, ts=ts, limit=PAGE, cursor=token)
            batch = page.get("messages")
            if not isinstance(batch, list) or not all(
                    isinstance(m, dict) and is_ts(m.get("ts")) for m in batch):
                raise Malformed(f"Slack sent an unreadable page of thread {channel}/{ts}")
            # every page after the first repeats the parent message: keep it once
            messages += [m for m in batch if not messages or m["ts"] != messages[0]["ts"]]
            token = (page.get("response_metadata") or {}).get("next_cursor", "")
            if not token or not page.get("has_more", True):
                if not messages:
                    raise Malformed(f"Slack sent thread {channel}/{ts} without its messages")
                return messages

    def _channel(self, caller: SlackCaller, channel_id: str) -> dict[str, Any]:
        if channel_id not in self._channels:  # fetched without a listing in this process
            info = caller.call("conversations.info", f"of {channel_id}", channel=channel_id)
            if not isinstance(info.get("channel"), dict):
                raise Malformed(f"Slack sent unreadable channel info for {channel_id}")
            self._channels[channel_id] = info["channel"]
        return self._channels[channel_id]

    def _team_id(self, caller: SlackCaller) -> str:
        if not self._team:
            self._team = str(caller.call("auth.test", "for the workspace id").get("team_id", ""))
        return self._team

    def _permalink(self, caller: SlackCaller, channel: str, ts: str) -> str:
        answer = caller.call("chat.getPermalink", f"of thread {channel}/{ts}",
                             channel=channel, message_ts=ts)
        if not answer.get("permalink"):
            raise Malformed(f"Slack sent no permalink for thread {channel}/{ts}")
        return str(answer["permalink"])
