"""A Slack thread as a Markdown document, and who may read it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sources.model import Malformed, Readers

TITLE_CHARS = 80
TS = re.compile(r"\d+\.\d+")


def is_ts(value: Any) -> bool:
    """Whether ``value`` is a Slack message ``ts`` ("1700000001.000100")."""
    return isinstance(value, str) and bool(TS.fullmatch(value))


def ts_time(ts: str) -> datetime:
    """A Slack message ``ts`` ("1700000001.000100") as a tz-aware time, to the second (the
    part after the dot tells messages of one second apart; it is not a fraction of time)."""
    return datetime.fromtimestamp(int(ts.partition(".")[0]), tz=UTC)


def title_of(channel_name: str, text: str) -> str:
    """``#channel: first line of the thread``, cut to a readable length."""
    first = (text.strip().splitlines() or ["(no text)"])[0]
    short = first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"
    return f"#{channel_name}: {short}"


def thread_markdown(title: str, messages: list[dict[str, Any]],
                    name: Callable[[str], str] = str) -> str:
    """The thread as Markdown: its title as the heading, then each message with its author
    (``name`` of the user id) and time, in order, so a passage says who said it and when."""
    parts = [f"# {title}\n"]
    for message in messages:
        try:
            when = ts_time(str(message["ts"])).strftime("%Y-%m-%d %H:%M UTC")
        except (KeyError, ValueError) as exc:
            raise Malformed(f"a message in thread {title!r} has no readable ts ({exc})") from None
        author = (name(str(message["user"])) if message.get("user")
                  else str(message.get("username") or message.get("bot_id", "?")))
        parts.append(f"**{author}** ({when}):\n\n{message.get('text', '')}\n")
    return "\n".join(parts)


def channel_readers(channel: dict[str, Any], team: str) -> Readers:
    """The channel's members read it; a public channel is also visible to its workspace."""
    name, channel_id = channel.get("name", channel.get("id")), str(channel.get("id"))
    principals = [f"slack-channel:{channel_id}"]
    if not channel.get("is_private") and team:
        principals.append(f"slack-workspace:{team}")
        return Readers(principals=tuple(principals),
                       why=f"public Slack channel #{name} (anyone in the workspace)")
    return Readers(principals=tuple(principals), why=f"private Slack channel #{name} (members)")
