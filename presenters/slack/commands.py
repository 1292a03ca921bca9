"""``/ask <question>`` (``/ask --private …``) and the message shortcut "Ask the bot about
this message", turned into :class:`Inbound` questions.

A public ``/ask`` posts the question in the channel as the bot (naming who asked) and answers
in its thread, since a slash command leaves no message of its own. ``--private`` and the
shortcut answer only the asker, with Share in channel / Keep private.
"""

from __future__ import annotations

from typing import Any

from presenters.slack.inbound import Inbound

PRIVATE_FLAGS = ("--private", "-p")
SHORTCUT_ID = "ask_about_message"
USAGE = "Ask me something: `{command} how do I rotate the API key?` (add `--private` to see " \
        "the answer yourself first)."


def parse_ask(text: str) -> tuple[bool, str]:
    """``(private, question)`` from the command's text."""
    words = text.strip().split(maxsplit=1)
    if words and words[0] in PRIVATE_FLAGS:
        return True, words[1].strip() if len(words) > 1 else ""
    return False, text.strip()


def asked_text(user: str, question: str) -> str:
    """The message a public ``/ask`` posts before answering in its thread."""
    return f"<@{user}> asked: {question}"


def from_command(body: dict[str, Any], question: str, private: bool,
                 posted_ts: str | None) -> Inbound:
    """The question of a ``/ask``; ``posted_ts``: where a public one was posted."""
    thread = posted_ts or ""
    return Inbound(
        event_id=f"command:{body.get('trigger_id') or body.get('command_ts', '')}",
        team=str(body.get("team_id", "")), channel=str(body.get("channel_id", "")),
        thread_ts=thread, user=str(body.get("user_id", "")), text=question, kind="command",
        ts=thread, private=private)


def from_shortcut(body: dict[str, Any]) -> Inbound:
    """The question of the message shortcut: about the chosen message, in its thread."""
    message = body.get("message", {})
    ts = str(message.get("ts", ""))
    author = message.get("user") or message.get("bot_id") or "someone"
    quoted = " ".join(str(message.get("text", "")).split())[:3000]
    return Inbound(
        event_id=f"shortcut:{body.get('trigger_id', ts)}",
        team=str(body.get("team", {}).get("id", "")),
        channel=str(body.get("channel", {}).get("id", "")),
        thread_ts=str(message.get("thread_ts") or ts), user=str(body.get("user", {}).get("id")),
        text=f'Help me with this message from <@{author}>: "{quoted}"', kind="shortcut",
        ts=ts, private=True)

